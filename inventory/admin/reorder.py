"""Reorder points, with a filter for those below their point."""

from django.contrib import admin

from inventory.admin.common import RowColumns
from inventory.models import (
    ReorderPoint,
)
from inventory.selectors import (
    below_reorder_point,
    reorder_point_list,
)
from wms.admin_paging import LargeListAdmin


class ShortFilter(admin.SimpleListFilter):
    title = "short"
    parameter_name = "short"

    def lookups(self, request, model_admin):
        return (("yes", "below the minimum"), ("no", "at or above it"))

    def queryset(self, request, queryset):
        if self.value() in ("yes", "no"):
            return below_reorder_point(queryset, short=self.value() == "yes")
        return queryset


@admin.register(ReorderPoint)
class ReorderPointAdmin(LargeListAdmin, RowColumns, admin.ModelAdmin):
    list_display = (
        "product_link",
        "product_name",
        "warehouse_link",
        "min_quantity",
        "target_quantity",
        "available",
        "to_order",
    )
    list_select_related = ("product", "warehouse")
    list_filter = (ShortFilter, "warehouse")
    search_fields = ("product__sku", "product__name", "warehouse__code")
    autocomplete_fields = ("warehouse", "product")
    fields = ("warehouse", "product", "min_quantity", "target_quantity")

    def get_queryset(self, request):
        return reorder_point_list().select_related("product", "warehouse")

    @admin.display(description="available", ordering="available")
    def available(self, point):
        return point.available

    @admin.display(description="to order", ordering="to_order")
    def to_order(self, point):
        return point.to_order
