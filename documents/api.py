"""Documents over HTTP: every write is a call to documents.services, which holds the rules."""

from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from documents.models import CANCEL_REASON_MAX, DocType, Document, DocumentLine, PickList, Status
from documents.selectors import document_get, document_list, pick_tasks
from documents.services import (
    MAX_QUANTITY,
    LineInput,
    document_cancel,
    document_create,
    document_delete,
    document_post,
    document_reserve,
    document_unreserve,
    document_update,
    pick_list_create,
    returnable_lines,
)
from warehouses.models import join_path
from wms.api import StrictBooleanField, StrictCharField, StrictIntegerField
from wms.api_errors import responses
from wms.filters import BIGINT_MAX, DateTimeFilter, FilterSet, IdFilter, TextFilter
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
    reserved = serializers.IntegerField(
        read_only=True, help_text="What the line holds reserved (reserved documents)."
    )

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
            "reserved",
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
            "backorder_of",
            "origin",
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


class ReturnableSerializer(serializers.Serializer):
    product = serializers.IntegerField(source="product_id")
    sku = serializers.CharField()
    lot = serializers.CharField(allow_null=True, help_text="The lot's code.")
    shipped = serializers.IntegerField(help_text="Net of the shipment's cancellation.")
    returned = serializers.IntegerField(help_text="By its posted, not cancelled returns.")
    returnable = serializers.IntegerField(help_text="shipped - returned: what may come back.")


class ReturnableAnswerSerializer(serializers.Serializer):
    shipment = serializers.IntegerField()
    lines = ReturnableSerializer(many=True)


# --- What the API accepts -----------------------------------------------------------------


class CancelSerializer(serializers.Serializer):
    reason = StrictCharField(
        max_length=CANCEL_REASON_MAX,
        required=False,
        allow_blank=True,
        default="",
        help_text="Why it is cancelled, kept as the document's cancel_reason. May be left out.",
    )


class PostedDocumentSerializer(DocumentSerializer):
    backorder = serializers.IntegerField(
        read_only=True,
        allow_null=True,
        help_text="The draft created for what was ordered and not shipped, or null.",
    )

    class Meta(DocumentSerializer.Meta):
        fields = [*DocumentSerializer.Meta.fields, "backorder"]


class ReserveSerializer(serializers.Serializer):
    partial = StrictBooleanField(
        default=False, help_text="Reserve what there is instead of refusing a shortage."
    )


class ShippedLineSerializer(serializers.Serializer):
    line = StrictIntegerField(min_value=1, max_value=BIGINT_MAX)
    quantity = StrictIntegerField(min_value=0, max_value=MAX_QUANTITY)


class PostSerializer(serializers.Serializer):
    lines = ShippedLineSerializer(
        many=True,
        required=False,
        max_length=MAX_LINES,
        help_text="Reserved documents: what was shipped per line (default: all it reserved); "
        "the rest becomes a backorder.",
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
    lot = StrictCharField(
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
        super().__init__(
            min_length=1,
            max_length=MAX_LINES,
            error_messages={"min_length": "A document needs at least one line."},
            **kwargs,
        )

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
    reference = StrictCharField(max_length=100, allow_blank=True, default="")
    note = StrictCharField(allow_blank=True, default="")
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
        renamed = {
            "warehouse": "warehouse_id",
            "destination_warehouse": "destination_warehouse_id",
            "origin": "origin_id",
        }
        return {renamed.get(name, name): value for name, value in self.validated_data.items()}


class DocumentCreateSerializer(_DraftFields):
    doc_type = serializers.ChoiceField(choices=DocType.choices)
    origin = StrictIntegerField(
        min_value=1,
        max_value=BIGINT_MAX,
        allow_null=True,
        default=None,
        help_text="Returns only, and required for them: the posted shipment they return.",
    )


class DocumentUpdateSerializer(_DraftFields):
    """A draft's editable fields; its type is fixed once created."""


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
        description="Keyset pages: follow `next`.",
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
        answer = document_get(int(pk))
        answer.backorder = document.backorder.pk if document.backorder else None
        return Response(PostedDocumentSerializer(answer).data)

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


# --- pick lists -----------------------------------------------------------------------------


class PickTaskSerializer(serializers.Serializer):
    location = serializers.IntegerField(source="quant__location_id")
    location_path = serializers.SerializerMethodField()
    product = serializers.IntegerField(source="quant__product_id")
    sku = serializers.CharField(source="quant__product__sku")
    lot = serializers.CharField(source="quant__lot__code", allow_null=True)
    expires_on = serializers.DateField(source="quant__lot__expires_on", allow_null=True)
    quantity = serializers.IntegerField()

    def get_location_path(self, task) -> str:
        return join_path(task["quant__location__warehouse__code"], task["quant__location__path"])


class PickListSerializer(serializers.ModelSerializer):
    documents = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    tasks = serializers.SerializerMethodField()

    class Meta:
        model = PickList
        fields = ["id", "documents", "tasks", "created_by", "created_at"]
        read_only_fields = fields

    @extend_schema_field(PickTaskSerializer(many=True))
    def get_tasks(self, pick_list):
        return PickTaskSerializer(pick_tasks(pick_list_id=pick_list.pk), many=True).data


class PickListCreateSerializer(serializers.Serializer):
    documents = serializers.ListField(
        child=StrictIntegerField(min_value=1, max_value=BIGINT_MAX),
        min_length=1,
        max_length=MAX_LINES,
        help_text="Reserved documents to pick in one walk.",
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
