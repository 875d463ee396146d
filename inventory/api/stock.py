"""Stock per warehouse and product totals over HTTP, now or as of an instant; read-only, since
only posting a document changes them."""

from drf_spectacular.utils import (
    extend_schema,
    extend_schema_view,
)
from rest_framework import serializers, viewsets

from inventory.api.common import AS_OF, _as_of
from inventory.models import (
    Inventory,
    WarehouseInventory,
)
from inventory.selectors import (
    below_reorder_point,
    product_total_list,
    stock_as_of,
    stock_list,
)
from inventory.serializers import _shown_fields
from wms.api_errors import responses
from wms.filters import (
    BooleanFilter,
    FilterSet,
    IdFilter,
    QuantityFilter,
)


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
