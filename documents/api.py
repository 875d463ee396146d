"""Documents over HTTP: every write is a call to documents.services, which holds the rules."""

from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from documents.models import CANCEL_REASON_MAX, DocType, Document, DocumentLine, Status
from documents.selectors import document_get, document_list
from documents.services import (
    MAX_QUANTITY,
    LineInput,
    document_cancel,
    document_create,
    document_delete,
    document_post,
    document_update,
)
from wms.api import StrictIntegerField
from wms.api_errors import responses
from wms.filters import BIGINT_MAX, DateTimeFilter, IdFilter
from wms.idempotency import PARAMETER as IDEMPOTENCY_KEY
from wms.idempotency import idempotent
from wms.pagination import CursorPagination
from wms.permissions import ViewModelPermission

# A bound on one request's work; larger documents are split by the client.
MAX_LINES = 1000


# --- What the API answers -----------------------------------------------------------------


class DocumentLineSerializer(serializers.ModelSerializer):
    lot = serializers.SlugRelatedField(
        slug_field="code", read_only=True, allow_null=True, help_text="The lot's code."
    )
    expires_on = serializers.DateField(source="lot.expires_on", read_only=True, allow_null=True)

    class Meta:
        model = DocumentLine
        fields = [
            "id",
            "product",
            "quantity",
            "location",
            "destination_location",
            "lot",
            "expires_on",
        ]


class DocumentSerializer(serializers.ModelSerializer):
    lines = DocumentLineSerializer(many=True, read_only=True)

    class Meta:
        model = Document
        fields = [
            "id",
            "number",
            "doc_type",
            "status",
            "warehouse",
            "destination_warehouse",
            "reference",
            "note",
            "lines",
            "created_by",
            "created_at",
            "updated_at",
            "posted_by",
            "posted_at",
            "cancelled_by",
            "cancelled_at",
            "cancel_reason",
        ]
        read_only_fields = fields


# --- What the API accepts -----------------------------------------------------------------


class CancelSerializer(serializers.Serializer):
    reason = serializers.CharField(
        max_length=CANCEL_REASON_MAX,
        required=False,
        allow_blank=True,
        default="",
        help_text="Why it is cancelled, kept as the document's cancel_reason. May be left out.",
    )


class LineInputSerializer(serializers.Serializer):
    product = StrictIntegerField(min_value=1, max_value=BIGINT_MAX)
    quantity = StrictIntegerField(
        min_value=-MAX_QUANTITY,
        max_value=MAX_QUANTITY,
        help_text=(
            "Receipts, shipments and transfers: positive. Adjustments: signed, not zero. "
            "Counts: the counted quantity, zero or more."
        ),
    )

    location = StrictIntegerField(
        min_value=1,
        max_value=BIGINT_MAX,
        allow_null=True,
        default=None,
        help_text=(
            "Receipts, adjustments, counts: where (default: the warehouse's default location). "
            "Shipments, transfers: take from this location and below (default: anywhere)."
        ),
    )
    destination_location = StrictIntegerField(
        min_value=1,
        max_value=BIGINT_MAX,
        allow_null=True,
        default=None,
        help_text="Transfers: where the goods go (default: the destination's default location).",
    )
    lot = serializers.CharField(
        max_length=64,
        allow_null=True,
        default=None,
        help_text="The lot or serial code: required for tracked products on receipts, "
        "adjustments and counts; a receipt of a new code creates the lot.",
    )
    expires_on = serializers.DateField(
        allow_null=True, default=None, help_text="Receipts: the expiry of a lot they create."
    )

    def validate(self, attrs):
        # A partial update of a document is never a partial line: both fields, always.
        missing = {"product", "quantity"} - set(attrs)
        if missing:
            raise ValidationError({field: ["This field is required."] for field in sorted(missing)})
        return attrs


class LinesField(serializers.ListField):
    """Lines whose errors read like the services' ("Line 2: quantity: ...")."""

    child = LineInputSerializer()

    def __init__(self, **kwargs):
        super().__init__(max_length=MAX_LINES, **kwargs)

    def run_child_validation(self, data):
        try:
            return super().run_child_validation(data)
        except ValidationError as exc:
            raise ValidationError(
                [
                    f"Line {index + 1}: {message}"
                    for index, errors in exc.detail.items()
                    for message in _messages(errors)
                ]
            ) from exc

    def to_internal_value(self, data):
        # The cap first: refusing 60,000 lines must not cost validating each of them.
        if isinstance(data, list) and len(data) > MAX_LINES:
            self.fail("max_length", max_length=MAX_LINES)
        return [
            LineInput(
                product_id=line["product"],
                quantity=line["quantity"],
                location_id=line.get("location"),
                destination_location_id=line.get("destination_location"),
                lot=line.get("lot") or None,
                expires_on=line.get("expires_on"),
            )
            for line in super().to_internal_value(data)
        ]


def _messages(errors) -> list[str]:
    """One line's errors: by field for a line object, bare for a line that is not one (null)."""
    if isinstance(errors, dict):
        return [
            message if field == "non_field_errors" else f"{field}: {message}"
            for field, messages in errors.items()
            for message in messages
        ]
    return [str(message) for message in errors]


class _DraftFields(serializers.Serializer):
    warehouse = StrictIntegerField(min_value=1, max_value=BIGINT_MAX)
    destination_warehouse = StrictIntegerField(
        min_value=1,
        max_value=BIGINT_MAX,
        allow_null=True,
        default=None,
        help_text="Transfers only, and required for them.",
    )
    reference = serializers.CharField(max_length=100, allow_blank=True, default="")
    note = serializers.CharField(allow_blank=True, default="")
    lines = LinesField(help_text=f"At least one line, at most {MAX_LINES}; a product once.")

    def to_internal_value(self, data):
        # A document's other fields (status, doc_type once created, ...) are changed by their
        # own actions or never: naming one here is a mistake to report, not to ignore.
        if isinstance(data, dict):
            read_only = sorted(set(data) & (set(DocumentSerializer.Meta.fields) - set(self.fields)))
            if read_only:
                raise ValidationError({name: ["This field is read-only."] for name in read_only})
        return super().to_internal_value(data)

    def to_service(self) -> dict:
        """The validated data as document_create / document_update keyword arguments."""
        renamed = {"warehouse": "warehouse_id", "destination_warehouse": "destination_warehouse_id"}
        return {renamed.get(name, name): value for name, value in self.validated_data.items()}


class DocumentCreateSerializer(_DraftFields):
    doc_type = serializers.ChoiceField(choices=DocType.choices)


class DocumentUpdateSerializer(_DraftFields):
    """A draft's editable fields; its type is fixed once created."""


class DocumentFilter(filters.FilterSet):
    status = filters.ChoiceFilter(choices=Status.choices)
    doc_type = filters.ChoiceFilter(choices=DocType.choices)
    warehouse = IdFilter(field_name="warehouse_id", help_text="The (source) warehouse.")
    created_by = IdFilter(field_name="created_by_id", help_text="A user id.")
    created_after = DateTimeFilter(
        field_name="created_at", lookup_expr="gte", help_text="Inclusive, ISO 8601."
    )
    created_before = DateTimeFilter(
        field_name="created_at", lookup_expr="lt", help_text="Exclusive, ISO 8601."
    )
    reference = filters.CharFilter(help_text="Exact reference, e.g. an order number.")

    class Meta:
        model = Document
        fields = [
            "status",
            "doc_type",
            "warehouse",
            "created_by",
            "created_after",
            "created_before",
            "reference",
        ]


def _validated(serializer_class, request, *, partial=False):
    serializer = serializer_class(data=request.data, partial=partial)
    serializer.is_valid(raise_exception=True)
    return serializer.to_service()


def _document_response(document_id: int, status_code=status.HTTP_200_OK) -> Response:
    return Response(DocumentSerializer(document_get(document_id)).data, status=status_code)


_DRAFTS_ONLY = "Drafts only: anything else is a 409 `invalid_state`."


@extend_schema_view(
    list=extend_schema(
        summary="List documents, newest first",
        description="Keyset pages: follow `next`.",
        responses=responses({200: DocumentSerializer(many=True)}, 400),
    ),
    retrieve=extend_schema(
        summary="Get a document with its lines", responses=responses({200: DocumentSerializer}, 404)
    ),
    create=extend_schema(
        summary="Create a draft with its lines",
        request=DocumentCreateSerializer,
        parameters=[IDEMPOTENCY_KEY],
        responses=responses({201: DocumentSerializer}, 400, 409, 413, 422),
    ),
    update=extend_schema(
        summary="Replace a draft and its lines",
        description=_DRAFTS_ONLY,
        request=DocumentUpdateSerializer,
        responses=responses({200: DocumentSerializer}, 400, 404, 409, 413),
    ),
    partial_update=extend_schema(
        summary="Change a draft",
        description=f"Given `lines` replace all lines. {_DRAFTS_ONLY}",
        request=DocumentUpdateSerializer,
        responses=responses({200: DocumentSerializer}, 400, 404, 409, 413),
    ),
    destroy=extend_schema(
        summary="Delete a draft",
        description=_DRAFTS_ONLY,
        responses=responses({204: None}, 404, 409),
    ),
)
class DocumentViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    queryset = document_list()
    serializer_class = DocumentSerializer
    filterset_class = DocumentFilter
    pagination_class = CursorPagination

    @idempotent
    def create(self, request, *args, **kwargs):
        document = document_create(
            **_validated(DocumentCreateSerializer, request), created_by=request.user
        )
        return _document_response(document.pk, status.HTTP_201_CREATED)

    def update(self, request, pk, partial=False):
        document_update(
            document_id=int(pk), **_validated(DocumentUpdateSerializer, request, partial=partial)
        )
        return _document_response(int(pk))

    def partial_update(self, request, pk):
        return self.update(request, pk, partial=True)

    def destroy(self, request, pk):
        document_delete(document_id=int(pk))
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(
        operation_id="documents_post",
        summary="Post a draft: move its stock",
        description=(
            "All lines or none. 409 `invalid_state` unless a draft; 409 `insufficient_stock` "
            "with every short line in `shortages`; 403 without the permission to post this type."
        ),
        request=None,
        parameters=[IDEMPOTENCY_KEY],
        responses=responses({200: DocumentSerializer}, 400, 404, 409, 422),
    )
    @action(
        detail=True,
        methods=["post"],
        url_path="post",
        url_name="post",
        permission_classes=[ViewModelPermission],
    )
    @idempotent
    def post_document(self, request, pk):
        document_post(document_id=int(pk), user=request.user)
        return _document_response(int(pk))

    @extend_schema(
        operation_id="documents_cancel",
        summary="Cancel a document",
        description=(
            "A draft is simply cancelled; a posted document's movements are reversed, which is "
            "a 409 `insufficient_stock` if the goods are gone. 409 `invalid_state` if cancelled."
        ),
        request=CancelSerializer,
        parameters=[IDEMPOTENCY_KEY],
        responses=responses({200: DocumentSerializer}, 400, 404, 409, 422),
    )
    @action(detail=True, methods=["post"], permission_classes=[ViewModelPermission])
    @idempotent
    def cancel(self, request, pk):
        body = CancelSerializer(data=request.data or {})
        body.is_valid(raise_exception=True)
        document_cancel(
            document_id=int(pk), user=request.user, reason=body.validated_data["reason"]
        )
        return _document_response(int(pk))
