"""Warehouses over HTTP: plain records; one that documents or stock refer to is deactivated."""

from warehouses.models import Warehouse
from wms.api import CatalogueViewSet, ModelSerializer, catalogue_schema
from wms.filters import BooleanFilter, FilterSet, TextFilter


class WarehouseSerializer(ModelSerializer):
    class Meta:
        model = Warehouse
        fields = ["id", "code", "name", "location", "is_active", "created_at", "updated_at"]


class WarehouseFilter(FilterSet):
    code = TextFilter(help_text="Exact code.")
    is_active = BooleanFilter()

    class Meta:
        model = Warehouse
        fields = ["code", "is_active"]


@catalogue_schema(WarehouseSerializer, "warehouse")
class WarehouseViewSet(CatalogueViewSet):
    queryset = Warehouse.objects.order_by("code")
    serializer_class = WarehouseSerializer
    filterset_class = WarehouseFilter
