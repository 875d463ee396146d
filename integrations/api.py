"""Webhook subscriptions over HTTP: writes go through integrations.services."""

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from integrations.events import EVENT_TYPES
from integrations.models import Delivery, Subscription
from integrations.services import (
    subscription_create,
    subscription_rotate_secret,
    subscription_send_test,
    subscription_update,
)
from wms.api_errors import responses
from wms.idempotency import PARAMETER as IDEMPOTENCY_KEY
from wms.idempotency import idempotent
from wms.pagination import CursorPagination
from wms.permissions import ModelPermissions

_EVENTS = serializers.ListField(
    child=serializers.ChoiceField(choices=sorted(EVENT_TYPES)),
    allow_empty=False,
    help_text="The event types to receive: " + ", ".join(f"`{e}`" for e in EVENT_TYPES) + ".",
)


class SubscriptionSerializer(serializers.ModelSerializer):
    events = serializers.ListField(child=serializers.CharField(), read_only=True)

    class Meta:
        model = Subscription
        fields = [
            "id",
            "url",
            "events",
            "is_active",
            "description",
            "consecutive_failures",
            "last_failure_at",
            "last_success_at",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class SubscriptionWithSecretSerializer(SubscriptionSerializer):
    secret = serializers.CharField(
        read_only=True,
        help_text="Shown only in this answer: verify each webhook-signature with it.",
    )

    class Meta(SubscriptionSerializer.Meta):
        fields = [*SubscriptionSerializer.Meta.fields, "secret"]
        read_only_fields = fields


class SubscriptionInputSerializer(serializers.Serializer):
    url = serializers.URLField(
        max_length=2000,
        help_text="http(s) only; loopback, private and link-local addresses are refused.",
    )
    events = _EVENTS
    is_active = serializers.BooleanField(
        default=True, help_text="False pauses it: nothing is sent until it is true again."
    )
    description = serializers.CharField(max_length=200, allow_blank=True, default="")


class DeliverySerializer(serializers.ModelSerializer):
    event_type = serializers.CharField(source="event.type", read_only=True)
    webhook_id = serializers.CharField(
        source="event.message_id",
        read_only=True,
        help_text="The webhook-id header it is sent with.",
    )

    class Meta:
        model = Delivery
        fields = [
            "id",
            "event_type",
            "webhook_id",
            "status",
            "attempts",
            "response_code",
            "latency_ms",
            "error",
            "next_attempt_at",
            "last_attempt_at",
            "delivered_at",
            "created_at",
        ]
        read_only_fields = fields


class ChangePermission(ModelPermissions):
    """Actions that change a subscription by POST need its change permission."""

    perms_map = {
        **ModelPermissions.perms_map,
        "POST": ["%(app_label)s.change_%(model_name)s"],
    }


def _input(request, *, partial=False) -> dict:
    serializer = SubscriptionInputSerializer(data=request.data, partial=partial)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


@extend_schema_view(
    list=extend_schema(
        summary="List webhook subscriptions",
        responses=responses({200: SubscriptionSerializer(many=True)}, 400),
    ),
    retrieve=extend_schema(
        summary="Get a webhook subscription",
        responses=responses({200: SubscriptionSerializer}, 404),
    ),
    create=extend_schema(
        summary="Subscribe a URL to events",
        description="The answer carries the signing `secret`, shown this once.",
        request=SubscriptionInputSerializer,
        parameters=[IDEMPOTENCY_KEY],
        responses=responses({201: SubscriptionWithSecretSerializer}, 400, 422),
    ),
    update=extend_schema(
        summary="Replace a webhook subscription",
        request=SubscriptionInputSerializer,
        responses=responses({200: SubscriptionSerializer}, 400, 404),
    ),
    partial_update=extend_schema(
        summary="Change a webhook subscription",
        description="`is_active: false` pauses it; `true` resumes it.",
        request=SubscriptionInputSerializer,
        responses=responses({200: SubscriptionSerializer}, 400, 404),
    ),
    destroy=extend_schema(
        summary="Delete a webhook subscription and its delivery log",
        responses=responses({204: None}, 404),
    ),
)
class WebhookViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    queryset = Subscription.objects.order_by("id")
    serializer_class = SubscriptionSerializer

    @idempotent
    def create(self, request):
        subscription = subscription_create(**_input(request), created_by=request.user)
        return Response(
            SubscriptionWithSecretSerializer(subscription).data, status=status.HTTP_201_CREATED
        )

    def update(self, request, pk, partial=False):
        self.get_object()  # 404 before validation
        subscription = subscription_update(
            subscription_id=int(pk), **_input(request, partial=partial)
        )
        return Response(SubscriptionSerializer(subscription).data)

    def partial_update(self, request, pk):
        return self.update(request, pk, partial=True)

    @extend_schema(
        summary="Replace the signing secret",
        description=(
            "The new secret, shown this once, signs every delivery from now on; for 24 hours "
            "the old one signs beside it (two signatures in `webhook-signature`), so the "
            "receiver can switch without refusing a delivery."
        ),
        request=None,
        parameters=[IDEMPOTENCY_KEY],
        responses=responses({200: SubscriptionWithSecretSerializer}, 400, 404, 422),
    )
    @action(
        detail=True,
        methods=["post"],
        url_path="rotate-secret",
        url_name="rotate-secret",
        permission_classes=[ChangePermission],
    )
    @idempotent
    def rotate_secret(self, request, pk):
        self.get_object()
        subscription = subscription_rotate_secret(subscription_id=int(pk))
        return Response(SubscriptionWithSecretSerializer(subscription).data)

    @extend_schema(
        summary="Send a test event",
        description=(
            "Queues a `webhook.test` event for this subscription alone, paused or not; its "
            "delivery shows in the log like any other."
        ),
        request=None,
        parameters=[IDEMPOTENCY_KEY],
        responses=responses({202: DeliverySerializer}, 400, 404, 422),
    )
    @action(detail=True, methods=["post"], permission_classes=[ChangePermission])
    @idempotent
    def test(self, request, pk):
        self.get_object()
        delivery = subscription_send_test(subscription_id=int(pk))
        return Response(DeliverySerializer(delivery).data, status=status.HTTP_202_ACCEPTED)

    @extend_schema(
        summary="The delivery log of a subscription, newest first",
        description="Keyset pages: follow `next`.",
        responses=responses({200: DeliverySerializer(many=True)}, 400, 404),
    )
    @action(detail=True, methods=["get"], pagination_class=CursorPagination)
    def deliveries(self, request, pk):
        subscription = self.get_object()
        deliveries = Delivery.objects.filter(subscription=subscription).select_related("event")
        page = self.paginate_queryset(deliveries)
        return self.get_paginated_response(DeliverySerializer(page, many=True).data)
