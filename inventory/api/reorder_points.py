"""Reorder points over HTTP."""

from drf_spectacular.utils import (
    extend_schema,
    extend_schema_view,
)
from rest_framework import viewsets

from inventory.models import (
    ReorderPoint,
)
from inventory.selectors import (
    below_reorder_point,
    reorder_point_list,
)
from inventory.serializers import ReorderPointSerializer
from wms.api import (
    IdempotentCreateMixin,
)
from wms.api_errors import responses
from wms.filters import (
    BooleanFilter,
    FilterSet,
    IdFilter,
)
from wms.idempotency import PARAMETER as IDEMPOTENCY_KEY


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
