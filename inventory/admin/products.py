"""The products screen: stock per warehouse and location, latest movements, labels."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import F, Value
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.html import format_html

from inventory.admin.common import (
    LABELS_MAX,
    LATEST_MOVEMENTS,
    WAREHOUSE_STOCK_SHOWN,
    Label,
    _movement_document,
    _signed,
    label_sheet,
    quant_table,
)
from inventory.admin.packagings import PackagingInline
from inventory.admin.product_import import ProductImportMixin
from inventory.barcodes import barcode_normalize, barcode_svg, gtin14_svg, is_gtin_shaped
from inventory.models import (
    Packaging,
    Product,
)
from inventory.quantities import steps_format
from inventory.selectors import (
    barcode_taken,
    product_movements,
    product_stock,
    quant_list,
)
from inventory.services import (
    DecimalsInUse,
    TrackingInUse,
    product_check_decimals,
    product_check_tracking,
)
from wms.admin_mixins import change_link, html_table
from wms.admin_paging import LargeListAdmin


class ProductForm(forms.ModelForm):
    class Meta:
        model = Product
        fields = (
            "sku",
            "barcode",
            "name",
            "description",
            "unit",
            "decimals",
            "receive_whole_packs",
            "ship_whole_packs",
            "price",
            "tracking",
            "is_active",
        )

    def clean_barcode(self):
        barcode = barcode_normalize(self.cleaned_data.get("barcode"))
        taken = barcode_taken(barcode, product=self.instance)
        if taken == "a packaging":
            raise ValidationError(f"A packaging has the barcode {barcode}.")
        return barcode

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "decimals" in self.fields:  # left empty: as it is (0 for a new product)
            self.fields["decimals"].required = False

    def clean_decimals(self):
        decimals = self.cleaned_data["decimals"]
        if decimals is None:
            decimals = self.instance.decimals
        try:
            product_check_decimals(product=self.instance, decimals=decimals)
        except DecimalsInUse as exc:
            raise ValidationError(exc.message) from None
        return decimals

    def clean_tracking(self):
        tracking = self.cleaned_data["tracking"]
        try:
            product_check_tracking(product=self.instance, tracking=tracking)
        except TrackingInUse as exc:
            raise ValidationError(exc.message) from None
        return tracking


@admin.register(Product)
class ProductAdmin(LargeListAdmin, ProductImportMixin, admin.ModelAdmin):
    form = ProductForm
    inlines = (PackagingInline,)
    list_display = (
        "sku",
        "name",
        "barcode",
        "unit",
        "price",
        "is_active",
        "total_quantity",
        "total_reserved",
        "total_available",
        "updated_at",
    )
    list_filter = ("is_active", "unit")
    search_fields = ("sku", "name", "=barcode")
    ordering = ("sku",)
    readonly_fields = (
        "barcode_image",
        "stock_by_warehouse",
        "stock_by_location",
        "latest_movements",
        "created_at",
        "updated_at",
    )
    fieldsets = (
        (
            None,
            {
                "fields": (
                    "sku",
                    ("barcode", "barcode_image"),
                    "name",
                    "description",
                    ("unit", "decimals"),
                    ("receive_whole_packs", "ship_whole_packs"),
                    "price",
                    "tracking",
                    "is_active",
                )
            },
        ),
        ("Stock", {"fields": ("stock_by_warehouse", "stock_by_location", "latest_movements")}),
        ("History", {"fields": ("created_at", "updated_at")}),
    )

    def get_queryset(self, request):
        # The total comes in the same query (LEFT JOIN inventory); no query per row.
        return (
            super()
            .get_queryset(request)
            .annotate(
                total_quantity=Coalesce(F("total__quantity"), Value(0)),
                total_reserved=Coalesce(F("total__reserved"), Value(0)),
            )
        )

    @admin.display(description="total stock", ordering="total_quantity")
    def total_quantity(self, product):
        return product.total_quantity

    @admin.display(description="reserved", ordering="total_reserved")
    def total_reserved(self, product):
        return product.total_reserved

    @admin.display(description="available")
    def total_available(self, product):
        return product.total_quantity - product.total_reserved

    @admin.display(description="as printed")
    def barcode_image(self, product):
        if not (product.barcode or product.sku):
            return "—"
        return barcode_svg(product.barcode or product.sku)

    @admin.display(description="stock per warehouse")
    def stock_by_warehouse(self, product):
        if product.pk is None:
            return "—"
        rows = [
            (
                change_link("warehouses_warehouse", s.warehouse_id, s.warehouse),
                s.quantity,
                s.reserved,
                s.quantity - s.reserved,
            )
            for s in product_stock(product_id=product.pk)
        ]
        table = html_table(
            ("Warehouse", "Quantity", "Reserved", "Available"), rows, "Never in stock."
        )
        link = reverse("admin:inventory_warehouseinventory_changelist")
        return format_html(
            '{}<p>Total: <strong>{}</strong> · <a href="{}?product__id__exact={}">'
            "stock list</a></p>",
            table,
            sum(row[1] for row in rows),
            link,
            product.pk,
        )

    @admin.display(description="stock by location and lot")
    def stock_by_location(self, product):
        if product.pk is None:
            return "—"
        return quant_table(quant_list().filter(product_id=product.pk)[:WAREHOUSE_STOCK_SHOWN])

    @admin.display(description="latest movements")
    def latest_movements(self, product):
        if product.pk is None:
            return "—"
        movements = product_movements(product_id=product.pk)[:LATEST_MOVEMENTS]
        rows = [
            (
                m.created_at.strftime("%Y-%m-%d %H:%M"),
                _movement_document(m),
                m.location.full_path,
                m.lot.code if m.lot else "",
                _signed(m.quantity),
                m.balance_after,
                "reversal" if m.is_reversal else "",
            )
            for m in movements
        ]
        table = html_table(
            ("When", "Document", "Location", "Lot", "Quantity", "Balance after", ""),
            rows,
            "None yet.",
        )
        link = reverse("admin:inventory_stockmovement_changelist")
        return format_html(
            '{}<p><a href="{}?product__id__exact={}">All movements of this product</a></p>',
            table,
            link,
            product.pk,
        )

    actions = ("print_labels", "print_case_labels", "export_packagings")

    @admin.action(description="Print labels of selected products")
    def print_labels(self, request, queryset):
        products = queryset.order_by("sku")[:LABELS_MAX]
        labels = [
            Label("sku", p.sku, p.name, p.sku, barcode_svg(p.barcode or p.sku)) for p in products
        ]
        return label_sheet(request, "Product labels", labels, queryset, columns=3)

    @admin.action(description="Print case labels (GTIN-14) of selected products' packagings")
    def print_case_labels(self, request, queryset):
        """One label per packaging that has a barcode: its GTIN-14 as ITF-14, and what one
        pack holds. A packaging without a barcode gets none: a label with the unit's code
        would count a case as one piece."""
        packs = list(
            Packaging.objects.filter(product__in=queryset)
            .select_related("product")
            .order_by("product__sku", "quantity")[:LABELS_MAX]
        )
        labels = [
            Label(
                "packaging",
                pack.barcode,
                f"{pack.product.sku} — {pack.label} of "
                f"{steps_format(pack.quantity, pack.product.decimals)} {pack.product.unit}",
                pack.product.name,
                gtin14_svg(pack.barcode),
            )
            for pack in packs
            if pack.barcode
        ]
        missing = [f"{p.product.sku} {p.code}" for p in packs if not p.barcode]
        note = (
            f"No label for packagings without a barcode: {', '.join(missing)}." if missing else ""
        )
        if not labels:
            self.message_user(request, note or "No packagings to label.", messages.WARNING)
            return None
        return label_sheet(request, "Case labels", labels, queryset, columns=2, note=note)

    def get_search_results(self, request, queryset, search_term):
        queryset, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        if is_gtin_shaped(search_term.strip()):
            # The GTIN as printed (13 digits) finds the 14 digits it is stored as.
            try:
                stored = barcode_normalize(search_term)
            except ValidationError:
                pass
            else:
                queryset |= self.get_queryset(request).filter(barcode=stored)
        # Document lines pick from active products only (documents.services refuses others).
        if request.GET.get("app_label") == "documents":
            queryset = queryset.filter(is_active=True)
        return queryset, may_have_duplicates
