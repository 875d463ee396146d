"""Products, stock, product totals and the movement ledger over HTTP.

Products are plain records; stock, totals and movements are read-only here, since only posting
a document changes them.
"""

from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError as DjangoValidationError
from django_filters import rest_framework as filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import serializers, viewsets
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response
from rest_framework.validators import UniqueValidator

from inventory.barcodes import barcode_normalize
from inventory.models import (
    Inventory,
    Lot,
    Product,
    Quant,
    ReorderPoint,
    StockMovement,
    WarehouseInventory,
)
from inventory.selectors import (
    available_quantity,
    below_reorder_point,
    movement_list,
    product_total_list,
    quant_list,
    reorder_point_list,
    scan_resolve,
    stock_as_of,
    stock_list,
)
from inventory.services import product_check_tracking
from warehouses.api import within_location
from wms.api import (
    CatalogueViewSet,
    IdempotentCreateMixin,
    ModelSerializer,
    StrictCharField,
    StrictIntegerField,
    catalogue_schema,
)
from wms.api_errors import responses
from wms.filters import (
    BIGINT_MAX,
    BooleanFilter,
    DateTimeFilter,
    FilterSet,
    IdFilter,
    QuantityFilter,
    TextFilter,
)
from wms.idempotency import PARAMETER as IDEMPOTENCY_KEY
from wms.pagination import CursorPagination

AS_OF = OpenApiParameter(
    "as_of",
    OpenApiTypes.DATETIME,
    description="An ISO 8601 instant: the quantities then, from the ledger (reserved and "
    "available are null: promises are not history).",
)


@extend_schema_field(
    {
        "type": "string",
        "format": "decimal",
        "pattern": r"^[0-9]{1,10}(\.[0-9]{1,2})?$",
        "example": "12.50",
    }
)
class PriceField(serializers.DecimalField):
    """A price as a decimal string: not negative, at most 2 decimals, below 10 billion."""

    default_error_messages = {"invalid": 'A decimal string is required, e.g. "12.50".'}

    def __init__(self, **kwargs):
        super().__init__(max_digits=12, decimal_places=2, min_value=Decimal("0.00"), **kwargs)

    def to_internal_value(self, data):
        # Money is never a JSON number: 0.1 + 0.2 is not 0.3 in the client's floats either.
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)

class BarcodeField(StrictCharField):
    """A product barcode, normalised before the unique check runs: a GTIN is kept as its 14
    digits, so EAN-13 4006381333931 and (01)04006381333931 are the same barcode."""

    def __init__(self, **kwargs):
        super().__init__(max_length=64, allow_null=True, allow_blank=True, required=False, **kwargs)

    def to_internal_value(self, data):
        try:
            return barcode_normalize(super().to_internal_value(data))
        except DjangoValidationError as exc:
            raise serializers.ValidationError(exc.messages) from None

    def run_validation(self, data=serializers.empty):
        if isinstance(data, str) and not data.strip():
            return None  # "" clears the barcode, like null
        return super().run_validation(data)


class ProductSerializer(ModelSerializer):
    price = PriceField(required=False)
    barcode = BarcodeField(
        validators=[UniqueValidator(Product.objects.all(), message="Another product has it.")],
        help_text="GTIN-8/12/13/14 (stored as 14 digits, check digit verified) or another code.",
    )

    class Meta:
        model = Product
        fields = [
            "id",
            "sku",
            "barcode",
            "name",
            "description",
            "unit",
            "price",
            "tracking",
            "is_active",
            "created_at",
            "updated_at",
        ]

    def update(self, instance, validated_data):
        if "tracking" in validated_data:
            product_check_tracking(product=instance, tracking=validated_data["tracking"])
        return super().update(instance, validated_data)


class ProductFilter(FilterSet):
    sku = TextFilter(help_text="Exact SKU.")
    is_active = BooleanFilter()

    class Meta:
        model = Product
        fields = ["sku", "is_active"]


@catalogue_schema(ProductSerializer, "product")
class ProductViewSet(CatalogueViewSet):
    queryset = Product.objects.order_by("sku")
    serializer_class = ProductSerializer
    filterset_class = ProductFilter


def _shown_fields():
    """quantity, reserved, available as a selector annotated them (now, or as of an instant)."""
    return {
        "quantity": serializers.IntegerField(source="shown_quantity", read_only=True),
        "reserved": serializers.IntegerField(
            source="shown_reserved", read_only=True, allow_null=True
        ),
        "available": serializers.IntegerField(
            source="shown_available",
            read_only=True,
            allow_null=True,
            help_text="quantity - reserved: what a new document may take.",
        ),
    }


class StockSerializer(serializers.ModelSerializer):
    quantity, reserved, available = _shown_fields().values()
    to_order = serializers.IntegerField(
        read_only=True,
        allow_null=True,
        help_text="target_quantity - available of the row's reorder point (0 when at or above "
        "the target); null without a reorder point.",
    )

    class Meta:
        model = WarehouseInventory
        fields = [
            "id",
            "warehouse",
            "product",
            "quantity",
            "reserved",
            "available",
            "to_order",
            "updated_at",
        ]


def _as_of(request):
    """The validated ?as_of= instant, or None; a bad value is a 400."""
    text = request.query_params.get("as_of")
    if text is None:
        return None
    if text == "":  # given but empty is refused, as for every filter (wms.filters.FilterSet)
        raise ValidationError({"as_of": ["Must not be empty."]})
    field = DateTimeFilter().field
    try:
        return field.clean(text)
    except forms.ValidationError as exc:
        raise ValidationError({"as_of": exc.messages}) from None


class StockFilter(FilterSet):
    warehouse = IdFilter(field_name="warehouse_id")
    product = IdFilter(field_name="product_id")
    min_quantity = QuantityFilter(field_name="quantity", lookup_expr="gte")
    max_quantity = QuantityFilter(field_name="quantity", lookup_expr="lte")
    below_reorder_point = BooleanFilter(
        method=lambda rows, name, value: below_reorder_point(rows, short=value),
        help_text="true: only rows with less available than their reorder point's minimum.",
    )

    class Meta:
        model = WarehouseInventory
        fields = ["warehouse", "product", "min_quantity", "max_quantity", "below_reorder_point"]


@extend_schema_view(
    list=extend_schema(
        summary="List stock per warehouse",
        parameters=[AS_OF],
        responses=responses({200: StockSerializer(many=True)}, 400, 404),
    ),
    retrieve=extend_schema(
        summary="Get one stock row", responses=responses({200: StockSerializer}, 404)
    ),
)
class StockViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = stock_list()
    serializer_class = StockSerializer
    filterset_class = StockFilter

    def get_queryset(self):
        moment = _as_of(self.request) if self.action == "list" else None
        return stock_as_of(stock_list(), moment) if moment else stock_list()


class LotSerializer(ModelSerializer):
    class Meta:
        model = Lot
        fields = ["id", "product", "code", "expires_on", "is_serial", "created_at"]
        read_only_fields = ["is_serial", "created_at"]

    def validate(self, attrs):
        product = attrs.get("product") or self.instance.product
        if self.instance is not None and attrs.get("product", product) != self.instance.product:
            raise ValidationError({"product": ["A lot's product cannot change."]})
        if product.tracking == Product.Tracking.NONE:
            raise ValidationError({"product": [f"{product.sku} is not tracked by lot."]})
        code = attrs.get("code", getattr(self.instance, "code", None))
        taken = Lot.objects.filter(product=product, code=code)
        if self.instance is not None:
            taken = taken.exclude(pk=self.instance.pk)
        if taken.exists():
            raise ValidationError({"code": [f"{product.sku} already has a lot {code}."]})
        return attrs

    def create(self, validated_data):
        product = validated_data["product"]
        return super().create(
            {**validated_data, "is_serial": product.tracking == Product.Tracking.SERIAL}
        )


class LotFilter(FilterSet):
    product = IdFilter(field_name="product_id")
    code = TextFilter(help_text="Exact code.")
    expires_before = filters.DateFilter(
        field_name="expires_on", lookup_expr="lt", help_text="Exclusive."
    )

    class Meta:
        model = Lot
        fields = ["product", "code", "expires_before"]


@catalogue_schema(LotSerializer, "lot")
class LotViewSet(CatalogueViewSet):
    queryset = Lot.objects.select_related("product").order_by("product_id", "code")
    serializer_class = LotSerializer
    filterset_class = LotFilter


class QuantSerializer(serializers.ModelSerializer):
    location_path = serializers.CharField(source="location.full_path", read_only=True)
    sku = serializers.CharField(source="product.sku", read_only=True)
    lot = serializers.CharField(source="lot.code", read_only=True, allow_null=True)
    expires_on = serializers.DateField(source="lot.expires_on", read_only=True, allow_null=True)
    quantity, reserved, available = _shown_fields().values()

    class Meta:
        model = Quant
        fields = [
            "id",
            "warehouse",
            "location",
            "location_path",
            "product",
            "sku",
            "lot",
            "expires_on",
            "quantity",
            "reserved",
            "available",
        ]


class QuantFilter(FilterSet):
    warehouse = IdFilter(field_name="warehouse_id")
    location = IdFilter(field_name="location_id", help_text="Exactly this location.")
    within = IdFilter(method="filter_within", help_text="A location and everything below it.")
    product = IdFilter(field_name="product_id")
    lot = TextFilter(field_name="lot__code", help_text="A lot's code.")

    class Meta:
        model = Quant
        fields = ["warehouse", "location", "within", "product", "lot"]

    def filter_within(self, queryset, name, value):
        return queryset.filter(within_location(value, prefix="location__"))


class QuantPagination(CursorPagination):
    # Keyset pages in id order, without a count: at an instant in the past a count would
    # compute every quant's balance, where a page computes fifty.
    ordering = "id"


@extend_schema_view(
    list=extend_schema(
        summary="List stock by location and lot",
        description="Rows holding nothing (now, or at `as_of`) are left out. Keyset pages in "
        "id order: follow `next`.",
        parameters=[AS_OF],
        responses=responses({200: QuantSerializer(many=True)}, 400, 404),
    ),
    retrieve=extend_schema(
        summary="Get one quant", responses=responses({200: QuantSerializer}, 404)
    ),
)
class QuantViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = QuantSerializer
    filterset_class = QuantFilter
    pagination_class = QuantPagination

    def get_queryset(self):
        moment = _as_of(self.request) if self.action == "list" else None
        return quant_list(as_of=moment)


class ProductTotalSerializer(serializers.ModelSerializer):
    class Meta:
        model = Inventory
        fields = ["product", "quantity", "updated_at"]


class ProductTotalFilter(FilterSet):
    product = IdFilter(field_name="product_id")

    class Meta:
        model = Inventory
        fields = ["product"]


@extend_schema_view(
    list=extend_schema(
        summary="List product totals over all warehouses",
        responses=responses({200: ProductTotalSerializer(many=True)}, 400, 404),
    ),
    retrieve=extend_schema(
        summary="Get a product's total",
        description="By product id.",
        responses=responses({200: ProductTotalSerializer}, 404),
    ),
)
class ProductTotalViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = product_total_list()
    serializer_class = ProductTotalSerializer
    filterset_class = ProductTotalFilter


class MovementSerializer(serializers.ModelSerializer):
    lot = serializers.CharField(source="lot.code", read_only=True, allow_null=True)

    class Meta:
        model = StockMovement
        fields = [
            "id",
            "document",
            "document_line",
            "warehouse",
            "location",
            "product",
            "lot",
            "quantity",
            "balance_after",
            "is_reversal",
            "created_at",
        ]


class MovementFilter(FilterSet):
    document = IdFilter(field_name="document_id")
    product = IdFilter(field_name="product_id")
    warehouse = IdFilter(field_name="warehouse_id")
    location = IdFilter(field_name="location_id")
    lot = TextFilter(field_name="lot__code", help_text="A lot's code.")
    created_after = DateTimeFilter(
        field_name="created_at", lookup_expr="gte", help_text="Inclusive, ISO 8601."
    )
    created_before = DateTimeFilter(
        field_name="created_at", lookup_expr="lt", help_text="Exclusive, ISO 8601."
    )

    class Meta:
        model = StockMovement
        fields = [
            "document",
            "product",
            "warehouse",
            "location",
            "lot",
            "created_after",
            "created_before",
        ]


@extend_schema_view(
    list=extend_schema(
        summary="List stock movements, newest first",
        description="The append-only ledger. Keyset pages: follow `next`.",
        responses=responses({200: MovementSerializer(many=True)}, 400, 404),
    ),
    retrieve=extend_schema(
        summary="Get a stock movement", responses=responses({200: MovementSerializer}, 404)
    ),
)
class MovementViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = movement_list()
    serializer_class = MovementSerializer
    filterset_class = MovementFilter
    pagination_class = CursorPagination


# --- Scanning -------------------------------------------------------------------------------


class ScanProductSerializer(serializers.ModelSerializer):
    unit_display = serializers.CharField(source="get_unit_display", read_only=True)

    class Meta:
        model = Product
        fields = ["id", "sku", "barcode", "name", "unit", "unit_display", "tracking", "is_active"]


class ScanSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=["product", "location", "gs1"])
    code = serializers.CharField(help_text="The code as scanned, without surrounding spaces.")
    product = ScanProductSerializer(allow_null=True, help_text="Null for a location.")
    location = serializers.IntegerField(
        allow_null=True, help_text="A location's id, when the code names a location."
    )
    location_path = serializers.CharField(
        required=False, help_text="When the code names a location: its full path, MAIN/A/01."
    )
    warehouse = serializers.IntegerField(
        required=False, help_text="When the code names a location: the warehouse it is in."
    )
    lot = serializers.CharField(allow_null=True, source="data.lot", help_text="GS1 (10).")
    expires_on = serializers.DateField(
        allow_null=True, source="data.expires_on", help_text="GS1 (17)."
    )
    serial = serializers.CharField(allow_null=True, source="data.serial", help_text="GS1 (21).")
    quantity = serializers.IntegerField(
        allow_null=True, source="data.quantity", help_text="GS1 (30) or (37): units counted."
    )
    available = serializers.IntegerField(
        required=False, help_text="Stock of the product in `warehouse`, when one is asked for."
    )


class ScanQuerySerializer(serializers.Serializer):
    code = serializers.CharField(max_length=200, help_text="What the scanner read.")
    warehouse = serializers.IntegerField(
        required=False, min_value=1, max_value=BIGINT_MAX, help_text="Also answer `available`."
    )


class ScanView(GenericAPIView):
    """Resolve one scanned code on the server, so a screen never picks from a stale list."""

    queryset = Product.objects.all()  # reading it needs inventory.view_product
    serializer_class = ScanSerializer
    pagination_class = None
    filter_backends = []

    @extend_schema(
        summary="Resolve a scanned code",
        description=(
            "A product barcode (GTIN-8/12/13/14 or another code) or SKU, matched exactly, a "
            "location's barcode or full path (`MAIN/A/01`, the warehouse code alone for its "
            "root), or a GS1 element string with (01) GTIN, (10) lot, (17) expiry, (21) serial, "
            "(30)/(37) count, raw or as `(01)...(10)...`. 404 when the code names nothing or an "
            "inactive product or location."
        ),
        parameters=[ScanQuerySerializer],
        responses=responses({200: ScanSerializer}, 400, 404),
    )
    def get(self, request):
        query = ScanQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        code = query.validated_data["code"]
        scan = scan_resolve(code=code)
        if scan is None:
            raise NotFound(f"Unknown code: {code.strip()}.", code="unknown_code")
        if scan.location is not None:
            return Response(ScanSerializer(self._location_body(scan)).data)
        if scan.product is None:
            raise NotFound(
                f"No product has the GTIN {scan.data.gtin} of this code.", code="unknown_gtin"
            )
        if not scan.product.is_active:
            raise NotFound(
                f"{scan.product.sku} is inactive: documents cannot use it.",
                code="inactive_product",
            )
        body = {"kind": scan.kind, "code": scan.code, "product": scan.product, "location": None}
        body["data"] = scan.data
        warehouse = query.validated_data.get("warehouse")
        if warehouse is not None:
            body["available"] = available_quantity(
                warehouse_id=warehouse, product_id=scan.product.pk
            )
        return Response(ScanSerializer(body).data)

    @staticmethod
    def _location_body(scan) -> dict:
        location = scan.location
        if not location.is_active:
            raise NotFound(
                f"{location.full_path} is inactive: documents cannot use it.",
                code="inactive_location",
            )
        return {
            "kind": scan.kind,
            "code": scan.code,
            "product": None,
            "location": location.pk,
            "location_path": location.full_path,
            "warehouse": location.warehouse_id,
            "data": scan.data,
        }


# --- Reorder points -------------------------------------------------------------------------


class ReorderPointSerializer(ModelSerializer):
    min_quantity = StrictIntegerField(min_value=0, max_value=BIGINT_MAX)
    target_quantity = StrictIntegerField(
        min_value=0, max_value=BIGINT_MAX, help_text="At least min_quantity."
    )
    available = serializers.IntegerField(read_only=True, help_text="0 when never in stock.")
    to_order = serializers.IntegerField(
        read_only=True, help_text="target_quantity - available, or 0 when at the target."
    )

    class Meta:
        model = ReorderPoint
        fields = [
            "id",
            "warehouse",
            "product",
            "min_quantity",
            "target_quantity",
            "available",
            "to_order",
            "updated_at",
        ]

    def validate(self, attrs):
        low = attrs.get("min_quantity", getattr(self.instance, "min_quantity", None))
        high = attrs.get("target_quantity", getattr(self.instance, "target_quantity", None))
        if low is not None and high is not None and high < low:
            raise serializers.ValidationError(
                {"target_quantity": ["The target must be at least the minimum."]}
            )
        return attrs

    def to_representation(self, instance):
        if not hasattr(instance, "available"):  # just written: read it back with its stock
            instance = reorder_point_list().get(pk=instance.pk)
        return super().to_representation(instance)


class ReorderPointFilter(FilterSet):
    warehouse = IdFilter(field_name="warehouse_id")
    product = IdFilter(field_name="product_id")
    short = BooleanFilter(
        method=lambda rows, name, value: below_reorder_point(rows, short=value),
        help_text="true: only those with less available than the minimum.",
    )

    class Meta:
        model = ReorderPoint
        fields = ["warehouse", "product", "short"]


@extend_schema_view(
    list=extend_schema(
        summary="List reorder points",
        responses=responses({200: ReorderPointSerializer(many=True)}, 400, 404),
    ),
    create=extend_schema(
        summary="Set a reorder point",
        parameters=[IDEMPOTENCY_KEY],
        responses=responses({201: ReorderPointSerializer}, 400, 409, 422),
    ),
    retrieve=extend_schema(
        summary="Get a reorder point", responses=responses({200: ReorderPointSerializer}, 404)
    ),
    update=extend_schema(
        summary="Replace a reorder point",
        responses=responses({200: ReorderPointSerializer}, 400, 404, 409),
    ),
    partial_update=extend_schema(
        summary="Change a reorder point",
        responses=responses({200: ReorderPointSerializer}, 400, 404, 409),
    ),
    destroy=extend_schema(summary="Remove a reorder point", responses=responses({204: None}, 404)),
)
class ReorderPointViewSet(IdempotentCreateMixin, viewsets.ModelViewSet):
    """Per (warehouse, product): short below min_quantity, order up to target_quantity."""

    queryset = reorder_point_list()
    serializer_class = ReorderPointSerializer
    filterset_class = ReorderPointFilter
