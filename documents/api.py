"""Documents over HTTP: every write is a call to documents.services, which holds the rules."""

from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from documents.answers import as_posted
from documents.models import DocType, Document, PickList, Status
from documents.selectors import document_get, document_list
from documents.serializers import (
    CancelSerializer,
    DocumentCreateSerializer,
    DocumentSerializer,
    DocumentUpdateSerializer,
    PostedDocumentSerializer,
    PostSerializer,
    ReserveSerializer,
    ReturnableAnswerSerializer,
)
from documents.services import (
    count_start,
    document_cancel,
    document_create,
    document_delete,
    document_post,
    document_reserve,
    document_unreserve,
    document_update,
    pick_list_create,
    replenish,
    returnable_lines,
)
from documents.task_serializers import (
    CountStartSerializer,
    PickListCreateSerializer,
    PickListSerializer,
    ReplenishedSerializer,
    ReplenishSerializer,
)
from wms.api_errors import responses
from wms.filters import DateTimeFilter, FilterSet, IdFilter, TextFilter
from wms.idempotency import PARAMETER as IDEMPOTENCY_KEY
from wms.idempotency import idempotent
from wms.pagination import TimeBoundCursorPagination
from wms.permissions import ViewModelPermission


class DocumentFilter(FilterSet):
    status = filters.ChoiceFilter(choices=Status.choices)
    doc_type = filters.ChoiceFilter(choices=DocType.choices)
    warehouse = IdFilter(field_name="warehouse_id", help_text="The (source) warehouse.")
    origin = IdFilter(field_name="origin_id", help_text="Returns of this shipment.")
    created_by = IdFilter(field_name="created_by_id", help_text="A user id.")
    created_after = DateTimeFilter(
        field_name="created_at", lookup_expr="gte", help_text="Inclusive, ISO 8601."
    )
    created_before = DateTimeFilter(
        field_name="created_at", lookup_expr="lt", help_text="Exclusive, ISO 8601."
    )
    reference = TextFilter(help_text="Exact reference, e.g. an order number.")

    class Meta:
        model = Document
        fields = [
            "status",
            "doc_type",
            "warehouse",
            "origin",
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
        description="Keyset pages: follow `next`. Newest first by id; with `created_before`, "
        "newest first by `created_at`.",
        responses=responses({200: DocumentSerializer(many=True)}, 400, 404),
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
    pagination_class = TimeBoundCursorPagination

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
        summary="Post a draft or a reserved document: move its stock",
        description=(
            "All lines or none. A reserved document moves exactly what it reserved, or the "
            "shipped `lines` given, and what was not shipped becomes a backorder (`backorder`). "
            "409 `invalid_state` unless a draft or reserved; 409 `insufficient_stock` with every "
            "short line in `shortages`; 403 without the permission to post this type."
        ),
        request=PostSerializer,
        parameters=[IDEMPOTENCY_KEY],
        responses=responses({200: PostedDocumentSerializer}, 400, 404, 409, 422),
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
        body = PostSerializer(data=request.data or {})
        body.is_valid(raise_exception=True)
        lines = body.validated_data.get("lines")
        shipped = {line["line"]: line["quantity"] for line in lines} if lines is not None else None
        if shipped is not None and len(shipped) != len(lines):
            raise ValidationError({"lines": ["A line appears more than once."]})
        document = document_post(document_id=int(pk), user=request.user, shipped=shipped)
        return Response(PostedDocumentSerializer(as_posted(document)).data)

    @extend_schema(
        operation_id="documents_reserve",
        summary="Reserve a draft shipment or transfer",
        description=(
            "Chooses quants by the removal strategy and promises them to the document. All or "
            "nothing (409 `insufficient_stock` with `shortages`) unless `partial`."
        ),
        request=ReserveSerializer,
        parameters=[IDEMPOTENCY_KEY],
        responses=responses({200: DocumentSerializer}, 400, 404, 409, 422),
    )
    @action(detail=True, methods=["post"], permission_classes=[ViewModelPermission])
    @idempotent
    def reserve(self, request, pk):
        body = ReserveSerializer(data=request.data or {})
        body.is_valid(raise_exception=True)
        document_reserve(
            document_id=int(pk), user=request.user, partial=body.validated_data["partial"]
        )
        return _document_response(int(pk))

    @extend_schema(
        operation_id="documents_unreserve",
        summary="Give a reserved document's stock back",
        description="reserved -> draft. 409 `invalid_state` unless reserved.",
        request=None,
        parameters=[IDEMPOTENCY_KEY],
        responses=responses({200: DocumentSerializer}, 400, 404, 409, 422),
    )
    @action(detail=True, methods=["post"], permission_classes=[ViewModelPermission])
    @idempotent
    def unreserve(self, request, pk):
        document_unreserve(document_id=int(pk), user=request.user)
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

    @extend_schema(
        operation_id="documents_returnable",
        summary="What can still come back of a posted shipment",
        description=(
            "Per (product, lot): `shipped`, `returned` by its returns, `returnable`. 409 "
            "`invalid_state` for anything but a posted shipment."
        ),
        responses=responses({200: ReturnableAnswerSerializer}, 404, 409),
    )
    @action(detail=True, methods=["get"])
    def returnable(self, request, pk):
        lines = returnable_lines(document_id=int(pk))
        return Response(
            ReturnableAnswerSerializer({"shipment": int(pk), "lines": lines}).data,
        )

    @extend_schema(
        operation_id="documents_start_count",
        summary="Start a count of a warehouse or a location subtree",
        description=(
            "A draft count with one line per quant in stock (of an active product), each naming "
            "its location and lot, at its book quantity or 0 when `blind`; at most 1000 lines "
            "(400 beyond: count by location). 400 when there is nothing to count; 403 without "
            "the permission to post counts."
        ),
        request=CountStartSerializer,
        parameters=[IDEMPOTENCY_KEY],
        responses=responses({201: DocumentSerializer}, 400, 409, 422),
    )
    @action(
        detail=False,
        methods=["post"],
        url_path="start-count",
        url_name="start-count",
        permission_classes=[ViewModelPermission],
    )
    @idempotent
    def start_count(self, request):
        body = CountStartSerializer(data=request.data or {})
        body.is_valid(raise_exception=True)
        count = count_start(
            warehouse_id=body.validated_data.get("warehouse"),
            location_id=body.validated_data.get("location"),
            blind=body.validated_data["blind"],
            user=request.user,
        )
        return _document_response(count.pk, status.HTTP_201_CREATED)

    @extend_schema(
        operation_id="documents_replenish",
        summary="Draft receipts or transfers for reorder points below their minimum",
        description=(
            "Each line orders the point's `to_order`. Transfers only take what `source` has "
            "enough of; every point that got no line is said in `skipped`. 403 without the "
            "permission to post receipts."
        ),
        request=ReplenishSerializer,
        parameters=[IDEMPOTENCY_KEY],
        responses=responses({201: ReplenishedSerializer}, 400, 409, 422),
    )
    @action(
        detail=False,
        methods=["post"],
        url_path="replenish",
        url_name="replenish",
        permission_classes=[ViewModelPermission],
    )
    @idempotent
    def replenish_points(self, request):
        body = ReplenishSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        done = replenish(
            point_ids=data["points"],
            mode=data["mode"],
            reference=data["reference"],
            source_id=data.get("source"),
            user=request.user,
        )
        made = document_list().filter(pk__in=[d.pk for d in done.made]).order_by("id")
        return Response(
            ReplenishedSerializer({"documents": made, "skipped": done.skipped}).data,
            status=status.HTTP_201_CREATED,
        )


@extend_schema_view(
    list=extend_schema(
        summary="List pick lists, newest first",
        responses=responses({200: PickListSerializer(many=True)}, 400, 404),
    ),
    retrieve=extend_schema(
        summary="Get a pick list with its tasks",
        responses=responses({200: PickListSerializer}, 404),
    ),
    create=extend_schema(
        summary="Make a pick list for reserved documents",
        description=(
            "One task per (location, product, lot), summed over the documents, in walking "
            "order (pick order, then path). 400 for a document that does not exist, 409 "
            "`invalid_state` for one that is not reserved."
        ),
        request=PickListCreateSerializer,
        parameters=[IDEMPOTENCY_KEY],
        responses=responses({201: PickListSerializer}, 400, 409, 422),
    ),
)
class PickListViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    queryset = PickList.objects.prefetch_related("documents").order_by("-id")
    serializer_class = PickListSerializer

    @idempotent
    def create(self, request):
        body = PickListCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        pick_list = pick_list_create(
            document_ids=body.validated_data["documents"], user=request.user
        )
        return Response(
            PickListSerializer(self.get_queryset().get(pk=pick_list.pk)).data,
            status=status.HTTP_201_CREATED,
        )
