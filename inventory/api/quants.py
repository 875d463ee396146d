"""Quants (stock per location and lot) over HTTP, now or as of an instant; read-only."""

from drf_spectacular.utils import (
    extend_schema,
    extend_schema_view,
)
from rest_framework import viewsets

from inventory.api.common import AS_OF, _as_of
from inventory.models import (
    Quant,
)
from inventory.selectors import (
    quant_list,
)
from inventory.serializers import QuantSerializer
from warehouses.selectors import within_location
from wms.api_errors import responses
from wms.filters import (
    FilterSet,
    IdFilter,
    TextFilter,
)
from wms.pagination import CursorPagination


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
        return queryset.filter(
            within_location(value, prefix="location__", warehouse_field="warehouse_id")
        )


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
