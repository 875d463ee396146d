"""Shared by the stock screens: stock tables, label sheets, the in-stock filter and row columns."""

from dataclasses import dataclass

from django.contrib import admin
from django.template.response import TemplateResponse
from django.urls import reverse

from inventory.models import (
    StockMovement,
)
from wms.admin_mixins import change_link, html_table

LATEST_MOVEMENTS = 20


WAREHOUSE_STOCK_SHOWN = 200


# Labels printed at once (a sheet of 3 x 8 per page).
LABELS_MAX = 480


def _signed(quantity: int) -> str:
    return f"{quantity:+d}"


def _movement_document(movement: StockMovement):
    return change_link("documents_document", movement.document_id, movement.document.number)


def quant_table(quants, *, show_location=True, show_product=False) -> str:
    """Stock by location and lot: where, what, which lot and expiry, and how much."""
    rows = []
    for q in quants:
        row = []
        if show_location:
            row.append(change_link("warehouses_location", q.location_id, q.location.full_path))
        if show_product:
            row.append(change_link("inventory_product", q.product_id, q.product.sku))
        row += [
            q.lot.code if q.lot else "—",
            q.lot.expires_on if q.lot and q.lot.expires_on else "—",
            q.quantity,
            q.reserved,
            q.quantity - q.reserved,
        ]
        rows.append(row)
    headers = (
        *(["Location"] if show_location else []),
        *(["Product"] if show_product else []),
        "Lot",
        "Expires",
        "Quantity",
        "Reserved",
        "Available",
    )
    return html_table(headers, rows, "Nothing here.")


@dataclass(frozen=True)
class Label:
    kind: str  # the data- attribute that names what the label is of
    key: object
    title: str  # in large print
    subtitle: str
    code: str  # the barcode's SVG


def label_sheet(
    request, title: str, labels: list[Label], queryset, *, columns: int, note: str = ""
):
    """A sheet of labels to print (at most LABELS_MAX of the selection; the sheet says so),
    with ``note`` beside its tools (what was left off, and why)."""
    opts = queryset.model._meta
    context = {
        "title": title,
        "labels": labels,
        "columns": columns,
        "back": reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"),
        "more": queryset.count() > LABELS_MAX,
        "note": note,
    }
    return TemplateResponse(request, "admin/inventory/labels.html", context)


class InStockFilter(admin.SimpleListFilter):
    title = "in stock"
    parameter_name = "in_stock"

    def lookups(self, request, model_admin):
        return (("yes", "yes"), ("no", "no (zero)"))

    field = "quantity"

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(**{f"{self.field}__gt": 0})
        if self.value() == "no":
            return queryset.filter(**{self.field: 0})
        return queryset


class RowColumns:
    """List columns for rows that belong to a product (and a warehouse): links and the name."""

    @admin.display(description="product", ordering="product__sku")
    def product_link(self, row):
        return change_link("inventory_product", row.product_id, row.product.sku)

    @admin.display(description="name", ordering="product__name")
    def product_name(self, row):
        return row.product.name

    @admin.display(description="warehouse", ordering="warehouse__code")
    def warehouse_link(self, row):
        return change_link("warehouses_warehouse", row.warehouse_id, row.warehouse.code)

    @admin.display(description="available")
    def available(self, row):
        return row.quantity - row.reserved
