"""The movement ledger over HTTP: append-only, read-only here."""

from drf_spectacular.utils import (
    extend_schema,
    extend_schema_view,
)
from rest_framework import serializers, viewsets

from inventory.models import (
    StockMovement,
)
from inventory.selectors import (
    movement_list,
)
from wms.api_errors import responses
from wms.filters import (
    DateTimeFilter,
    FilterSet,
    IdFilter,
    TextFilter,
)
from wms.pagination import CursorPagination


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
