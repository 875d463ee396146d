"""Lots and quants."""

from datetime import timedelta

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.utils import timezone

from inventory.admin.common import WAREHOUSE_STOCK_SHOWN, InStockFilter, RowColumns, quant_table
from inventory.models import (
    Lot,
    Quant,
)
from inventory.selectors import (
    EXPIRING_SOON_DAYS,
    lot_quantity,
    quant_list,
)
from inventory.services import lot_check, lot_create
from wms.admin_mixins import CsvExportMixin, ReadOnlyAdminMixin, change_link
from wms.admin_paging import LargeListAdmin


class ExpiringWithinFilter(admin.SimpleListFilter):
    title = "expiring within"
    parameter_name = "expiring_within"

    def lookups(self, request, model_admin):
        return (
            ("7", "7 days"),
            ("30", "30 days"),
            ("90", "90 days"),
            ("expired", "expired"),
            ("soon", f"{EXPIRING_SOON_DAYS} days, or expired"),  # the dashboard's figure
        )

    def queryset(self, request, queryset):
        today = timezone.localdate()
        if self.value() == "expired":
            return queryset.filter(expires_on__lt=today)
        if self.value() == "soon":
            return queryset.filter(expires_on__lte=today + timedelta(days=EXPIRING_SOON_DAYS))
        if self.value() in ("7", "30", "90"):
            return queryset.filter(
                expires_on__gte=today, expires_on__lte=today + timedelta(days=int(self.value()))
            )
        return queryset


class LotForm(forms.ModelForm):
    """A new lot is checked by the service's own rule (a tracked product, a code not taken)."""

    def clean(self):
        data = super().clean()
        product, code = data.get("product"), data.get("code")
        if self.instance.pk is None and product is not None and code:
            try:
                lot_check(product=product, code=code)
            except ValidationError as exc:
                self.add_error(None, exc)
        return data


class LotInStockFilter(InStockFilter):
    field = "stock_quantity"  # the sum of the lot's quants, annotated by LotAdmin


@admin.register(Lot)
class LotAdmin(LargeListAdmin, admin.ModelAdmin):
    list_display = ("code", "product_link", "expires_on", "is_serial", "in_stock")
    list_select_related = ("product",)
    list_filter = (ExpiringWithinFilter, LotInStockFilter, "is_serial")
    search_fields = ("code", "product__sku", "product__name")
    ordering = ("expires_on", "product__sku", "code")
    autocomplete_fields = ("product",)
    readonly_fields = ("is_serial", "stock", "created_at")

    def get_queryset(self, request):
        # Summed per lot of the page, not by grouping every lot with every quant before the
        # first page can be drawn.
        return super().get_queryset(request).annotate(stock_quantity=lot_quantity())

    def get_readonly_fields(self, request, obj=None):
        return ("product", *self.readonly_fields) if obj else self.readonly_fields

    @admin.display(description="product", ordering="product__sku")
    def product_link(self, lot):
        return change_link("inventory_product", lot.product_id, lot.product.sku)

    @admin.display(description="in stock", ordering="stock_quantity")
    def in_stock(self, lot):
        return lot.stock_quantity

    @admin.display(description="where it is")
    def stock(self, lot):
        if lot.pk is None:
            return "—"
        return quant_table(quant_list().filter(lot_id=lot.pk)[:WAREHOUSE_STOCK_SHOWN])

    def get_form(self, request, obj=None, change=False, **kwargs):
        return super().get_form(request, obj, change=change, form=LotForm, **kwargs)

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
            return
        made = lot_create(product=obj.product, code=obj.code, expires_on=obj.expires_on)
        obj.pk, obj.is_serial, obj.created_at = made.pk, made.is_serial, made.created_at


@admin.register(Quant)
class QuantAdmin(LargeListAdmin, RowColumns, CsvExportMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = (
        "location_link",
        "product_link",
        "product_name",
        "lot_code",
        "expires_on",
        "quantity",
        "reserved",
        "available",
    )
    list_select_related = ("location__warehouse", "product", "lot")
    list_filter = (InStockFilter, "warehouse")
    search_fields = ("product__sku", "product__name", "lot__code", "location__path")
    # The order of ix_stock_quants_warehouse_location (by ids: naming the relations would sort
    # by their own orderings): a page is read from the index, where (warehouse code, location
    # path, SKU) sorted a whole warehouse's quants first (0.5-2.7 s at a million);
    # the location and product columns still sort by path and SKU when clicked.
    ordering = ("warehouse_id", "location_id", "product_id", "lot_id")
    csv_columns = (
        ("warehouse", "warehouse__code"),
        ("location", "location__path"),
        ("sku", "product__sku"),
        ("lot", "lot__code"),
        ("expires_on", "lot__expires_on"),
        ("quantity", "quantity"),
        ("reserved", "reserved"),
    )

    @admin.display(description="location", ordering="location__path")
    def location_link(self, quant):
        return change_link("warehouses_location", quant.location_id, quant.location.full_path)

    @admin.display(description="lot", ordering="lot__code")
    def lot_code(self, quant):
        return quant.lot.code if quant.lot else "—"

    @admin.display(description="expires", ordering="lot__expires_on")
    def expires_on(self, quant):
        return quant.lot.expires_on if quant.lot else None

    @admin.display(description="available")
    def available(self, quant):
        return quant.available
