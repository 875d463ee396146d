"""Products, stock, product totals and the movement ledger over HTTP.

Products are plain records; stock, totals and movements are read-only here, since only posting
a document changes them.
"""

from decimal import Decimal

from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import serializers, viewsets

from inventory.models import Inventory, Product, StockMovement, WarehouseInventory
from inventory.selectors import movement_list, product_total_list, stock_list
from wms.api import CatalogueViewSet, ModelSerializer, catalogue_schema
from wms.api_errors import responses
from wms.filters import (
    BooleanFilter,
    DateTimeFilter,
    FilterSet,
    IdFilter,
    QuantityFilter,
    TextFilter,
)
from wms.pagination import CursorPagination


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


class ProductSerializer(ModelSerializer):
    price = PriceField(required=False)

    class Meta:
        model = Product
        fields = [
            "id",
            "sku",
            "name",
            "description",
            "unit",
            "price",
            "is_active",
            "created_at",
            "updated_at",
        ]


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


class StockSerializer(serializers.ModelSerializer):
    class Meta:
        model = WarehouseInventory
        fields = ["id", "warehouse", "product", "quantity", "updated_at"]


class StockFilter(FilterSet):
    warehouse = IdFilter(field_name="warehouse_id")
    product = IdFilter(field_name="product_id")
    min_quantity = QuantityFilter(field_name="quantity", lookup_expr="gte")
    max_quantity = QuantityFilter(field_name="quantity", lookup_expr="lte")

    class Meta:
        model = WarehouseInventory
        fields = ["warehouse", "product", "min_quantity", "max_quantity"]


@extend_schema_view(
    list=extend_schema(
        summary="List stock per warehouse",
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
    class Meta:
        model = StockMovement
        fields = [
            "id",
            "document",
            "document_line",
            "warehouse",
            "product",
            "quantity",
            "is_reversal",
            "created_at",
        ]


class MovementFilter(FilterSet):
    document = IdFilter(field_name="document_id")
    product = IdFilter(field_name="product_id")
    warehouse = IdFilter(field_name="warehouse_id")
    created_after = DateTimeFilter(
        field_name="created_at", lookup_expr="gte", help_text="Inclusive, ISO 8601."
    )
    created_before = DateTimeFilter(
        field_name="created_at", lookup_expr="lt", help_text="Exclusive, ISO 8601."
    )

    class Meta:
        model = StockMovement
        fields = ["document", "product", "warehouse", "created_after", "created_before"]


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
