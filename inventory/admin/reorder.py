"""Reorder points, with a filter for those below their point."""

from django import forms
from django.contrib import admin

from inventory.admin.common import RowColumns
from inventory.models import (
    Packaging,
    ReorderPoint,
)
from inventory.selectors import (
    below_reorder_point,
    reorder_point_list,
)
from wms.admin_paging import LargeListAdmin


class ReorderPointForm(forms.ModelForm):
    # The packaging by its code ("case"): a list of every product's packagings would not do.
    pack = forms.CharField(
        label="packaging",
        max_length=32,
        required=False,
        help_text="Order whole packs of this packaging of the product (its code: case, "
        "pallet…), rounded up; empty: exactly what is missing.",
    )

    class Meta:
        model = ReorderPoint
        fields = ("warehouse", "product", "min_quantity", "target_quantity")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.packaging_id:
            self.initial.setdefault("pack", self.instance.packaging.code)

    def clean(self):
        data = super().clean()
        code, product = (data.get("pack") or "").strip(), data.get("product")
        self.instance.packaging = None
        if code and product is not None:
            pack = Packaging.objects.filter(product=product, code=code).first()
            if pack is None:
                self.add_error("pack", f"{product.sku} has no packaging {code!r}.")
            self.instance.packaging = pack
        return data


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
    list_select_related = ("product", "warehouse", "packaging")
    list_filter = (ShortFilter, "warehouse")
    search_fields = ("product__sku", "product__name", "warehouse__code")
    autocomplete_fields = ("warehouse", "product")
    form = ReorderPointForm
    fields = ("warehouse", "product", "min_quantity", "target_quantity", "pack")

    def get_queryset(self, request):
        return reorder_point_list().select_related("product", "warehouse", "packaging")

    @admin.display(description="available", ordering="available")
    def available(self, point):
        return point.available

    @admin.display(description="to order", ordering="to_order")
    def to_order(self, point):
        packs = point.to_order_in_packs
        return f"{point.to_order} ({packs})" if packs else point.to_order
