"""Warehouses and locations, with their stock. The warehouses app must not know about stock,
so the stock is added here, to the warehouses app's own screens."""

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html

import warehouses.admin
from inventory.admin.common import (
    LABELS_MAX,
    WAREHOUSE_STOCK_SHOWN,
    Label,
    label_sheet,
    quant_table,
)
from inventory.barcodes import barcode_svg
from inventory.selectors import (
    location_stock,
    warehouse_stock,
)
from warehouses.models import Location, Warehouse
from wms.admin_mixins import change_link, html_table

# The warehouse page shows its stock. The warehouses app must not know about stock, so the
# stock is added here, to the warehouses app's own admin.
admin.site.unregister(Warehouse)


@admin.register(Warehouse)
class WarehouseAdmin(warehouses.admin.WarehouseAdmin):
    readonly_fields = ("stock", *warehouses.admin.WarehouseAdmin.readonly_fields)

    @admin.display(description="stock")
    def stock(self, warehouse):
        if warehouse.pk is None:
            return "—"
        stock = warehouse_stock(warehouse_id=warehouse.pk)
        rows = [
            (
                change_link("inventory_product", s.product_id, s.product),
                s.quantity,
                s.reserved,
                s.quantity - s.reserved,
            )
            for s in stock[:WAREHOUSE_STOCK_SHOWN]
        ]
        table = html_table(("Product", "Quantity", "Reserved", "Available"), rows, "No stock yet.")
        link = reverse("admin:inventory_warehouseinventory_changelist")
        more = (
            f"First {WAREHOUSE_STOCK_SHOWN} of {stock.count()} products · "
            if len(rows) == WAREHOUSE_STOCK_SHOWN
            else ""
        )
        return format_html(
            '{}<p>{}<a href="{}?warehouse__id__exact={}">stock list</a></p>',
            table,
            more,
            link,
            warehouse.pk,
        )


# The location page shows what it holds; as with warehouses, the stock is added here.
admin.site.unregister(Location)


@admin.register(Location)
class LocationAdmin(warehouses.admin.LocationAdmin):
    actions = ("print_labels",)

    @admin.action(description="Print labels of selected locations")
    def print_labels(self, request, queryset):
        """Shelf labels: the full path in large print and a barcode of the location's own
        barcode, or of its path when it has none (the scan input reads both)."""
        locations = queryset.select_related("warehouse").order_by("warehouse__code", "path")
        labels = [
            Label("location", x.pk, x.full_path, x.name, barcode_svg(x.barcode or x.full_path))
            for x in locations[:LABELS_MAX]
        ]
        return label_sheet(request, "Location labels", labels, queryset, columns=2)

    def get_readonly_fields(self, request, obj=None):
        fields = super().get_readonly_fields(request, obj)
        return (*fields, "holds") if obj else fields

    def get_fields(self, request, obj=None):
        fields = super().get_fields(request, obj)
        return [*fields, "holds"] if obj else fields

    @admin.display(description="holds")
    def holds(self, location):
        return quant_table(
            location_stock(location_id=location.pk)[:WAREHOUSE_STOCK_SHOWN],
            show_location=False,
            show_product=True,
        )
