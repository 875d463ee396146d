"""Lots over HTTP."""

from django_filters import rest_framework as filters

from inventory.models import (
    Lot,
)
from inventory.serializers import LotSerializer
from wms.api import (
    CatalogueViewSet,
    catalogue_schema,
)
from wms.filters import (
    FilterSet,
    IdFilter,
    TextFilter,
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
