from dataclasses import dataclass
from datetime import timedelta

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.views.main import ChangeList
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import F, Sum, Value
from django.db.models.functions import Coalesce
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html

import warehouses.admin
from inventory.barcodes import barcode_normalize, barcode_svg, is_gtin_shaped
from inventory.models import (
    Inventory,
    Lot,
    Product,
    Quant,
    ReorderPoint,
    StockMovement,
    WarehouseInventory,
)
from inventory.selectors import (
    EXPIRING_SOON_DAYS,
    below_reorder_point,
    location_stock,
    movement_balances,
    product_movements,
    product_stock,
    quant_list,
    reorder_point_list,
    warehouse_stock,
)
from inventory.services import (
    IMPORT_COLUMNS,
    IMPORT_REQUIRED_COLUMNS,
    TrackingInUse,
    product_check_tracking,
    products_import,
)
from warehouses.models import Location, Warehouse
from wms.admin_mixins import CsvExportMixin, ReadOnlyAdminMixin, change_link, html_table

LATEST_MOVEMENTS = 20
WAREHOUSE_STOCK_SHOWN = 200
# The preview keeps the file in the confirmation form; Django refuses form data over 2.5 MB
# (DATA_UPLOAD_MAX_MEMORY_SIZE). Bigger files go through `manage.py import_products`.
IMPORT_MAX_BYTES = 2_000_000
IMPORT_ROWS_SHOWN = 200
# Labels printed at once (a sheet of 3 x 8 per page).
LABELS_MAX = 480


def _signed(quantity: int) -> str:
    return f"{quantity:+d}"


def _movement_document(movement: StockMovement):
    return change_link("documents_document", movement.document_id, movement.document.number)


# --- products -------------------------------------------------------------------------------


class ProductImportForm(forms.Form):
    file = forms.FileField(
        required=False,
        help_text=(
            f"UTF-8 CSV with a header row. Columns: {', '.join(IMPORT_COLUMNS)}; "
            f"{' and '.join(IMPORT_REQUIRED_COLUMNS)} are required, a column left out keeps the "
            f"value of existing products. At most {IMPORT_MAX_BYTES // 1_000_000} MB; use "
            "`manage.py import_products` for bigger files."
        ),
    )
    csv_text = forms.CharField(required=False, widget=forms.HiddenInput, strip=False)

    def clean(self):
        data = super().clean()
        upload = data.get("file")
        if upload is not None:
            if upload.size > IMPORT_MAX_BYTES:
                raise ValidationError(
                    {
                        "file": f"The file is larger than {IMPORT_MAX_BYTES // 1_000_000} MB; "
                        "import it with `manage.py import_products FILE.csv`."
                    }
                )
            try:
                data["csv_text"] = upload.read().decode("utf-8-sig")
            except UnicodeDecodeError:
                raise ValidationError({"file": "The file is not UTF-8 text."}) from None
        if not data.get("csv_text"):
            raise ValidationError({"file": "Choose a CSV file."})
        return data


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


class ProductForm(forms.ModelForm):
    class Meta:
        model = Product
        fields = (
            "sku",
            "barcode",
            "name",
            "description",
            "unit",
            "price",
            "tracking",
            "is_active",
        )

    def clean_tracking(self):
        tracking = self.cleaned_data["tracking"]
        try:
            product_check_tracking(product=self.instance, tracking=tracking)
        except TrackingInUse as exc:
            raise ValidationError(exc.message) from None
        return tracking


@dataclass(frozen=True)
class Label:
    kind: str  # the data- attribute that names what the label is of
    key: object
    title: str  # in large print
    subtitle: str
    code: str  # the barcode's SVG


def label_sheet(request, title: str, labels: list[Label], queryset, *, columns: int):
    """A sheet of labels to print (at most LABELS_MAX of the selection; the sheet says so)."""
    opts = queryset.model._meta
    context = {
        "title": title,
        "labels": labels,
        "columns": columns,
        "back": reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"),
        "more": queryset.count() > LABELS_MAX,
    }
    return TemplateResponse(request, "admin/inventory/labels.html", context)


@admin.register(Product)
class ProductAdmin(admin.ModelAdmin):
    form = ProductForm
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
                    "unit",
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

    actions = ("print_labels",)

    @admin.action(description="Print labels of selected products")
    def print_labels(self, request, queryset):
        products = queryset.order_by("sku")[:LABELS_MAX]
        labels = [
            Label("sku", p.sku, p.name, p.sku, barcode_svg(p.barcode or p.sku)) for p in products
        ]
        return label_sheet(request, "Product labels", labels, queryset, columns=3)

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

    # --- CSV import -------------------------------------------------------------------------

    def has_import_permission(self, request) -> bool:
        return self.has_add_permission(request) and self.has_change_permission(request)

    def get_urls(self):
        return [
            path(
                "import/",
                self.admin_site.admin_view(self.import_view),
                name="inventory_product_import",
            ),
            *super().get_urls(),
        ]

    def changelist_view(self, request, extra_context=None):
        extra_context = {**(extra_context or {}), "can_import": self.has_import_permission(request)}
        return super().changelist_view(request, extra_context)

    def import_view(self, request):
        """Upload a CSV, see what it would do (a dry run), then confirm to save it."""
        if not self.has_import_permission(request):
            raise PermissionDenied
        result = None
        form = ProductImportForm()
        if request.method == "POST":
            form = ProductImportForm(request.POST, request.FILES)
            if form.is_valid():
                text = form.cleaned_data["csv_text"]
                confirmed = "_confirm" in request.POST
                try:
                    result = products_import(
                        lines=text.splitlines(keepends=True), dry_run=not confirmed
                    )
                except ValidationError as exc:
                    form.add_error("file", exc)
                else:
                    if result.saved:
                        self.message_user(request, result.summary(), messages.SUCCESS)
                        return redirect("admin:inventory_product_changelist")
                    form = ProductImportForm(initial={"csv_text": text})
        errors = result.errors if result else []
        changes = [r for r in result.rows if r.action != "unchanged"] if result else []
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": "Import products from CSV",
            "form": form,
            "result": result,
            "shown_errors": errors[:IMPORT_ROWS_SHOWN],
            "more_errors": max(len(errors) - IMPORT_ROWS_SHOWN, 0),
            "shown_rows": changes[:IMPORT_ROWS_SHOWN],
            "has_changes": bool(changes),
        }
        return TemplateResponse(request, "admin/inventory/product/import.html", context)


# --- warehouses, with their stock -----------------------------------------------------------

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


# --- stock, totals and the ledger: read-only ------------------------------------------------


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


@admin.register(WarehouseInventory)
class WarehouseInventoryAdmin(RowColumns, CsvExportMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = (
        "product_link",
        "product_name",
        "warehouse_link",
        "quantity",
        "reserved",
        "available",
        "updated_at",
    )
    list_select_related = ("product", "warehouse")
    list_filter = (InStockFilter, "warehouse", "product__unit", "product__is_active")
    search_fields = ("product__sku", "product__name", "warehouse__code")
    ordering = ("warehouse__code", "product__sku")
    csv_columns = (
        ("warehouse", "warehouse__code"),
        ("sku", "product__sku"),
        ("name", "product__name"),
        ("unit", "product__unit"),
        ("quantity", "quantity"),
        ("updated_at", "updated_at"),
    )


@admin.register(Inventory)
class InventoryAdmin(RowColumns, CsvExportMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = (
        "product_link",
        "product_name",
        "unit",
        "quantity",
        "reserved",
        "available",
        "updated_at",
    )
    list_select_related = ("product",)
    list_filter = (InStockFilter, "product__unit", "product__is_active")
    search_fields = ("product__sku", "product__name")
    ordering = ("product__sku",)
    csv_columns = (
        ("sku", "product__sku"),
        ("name", "product__name"),
        ("unit", "product__unit"),
        ("quantity", "quantity"),
        ("updated_at", "updated_at"),
    )

    @admin.display(description="unit", ordering="product__unit")
    def unit(self, row):
        return row.product.get_unit_display()


class LedgerChangeList(ChangeList):
    """The ledger's page, each row with the balance after it: computed for the rows of the
    page only, after paging, so a deep page costs what the first does."""

    def get_results(self, request):
        super().get_results(request)
        rows = list(self.result_list)
        balances = movement_balances(movement_ids=[m.pk for m in rows])
        for movement in rows:
            movement.balance = balances.get(movement.pk)
        self.result_list = rows


@admin.register(StockMovement)
class StockMovementAdmin(RowColumns, CsvExportMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = (
        "id",
        "created_at",
        "document_link",
        "doc_type",
        "product_link",
        "warehouse_link",
        "signed_quantity",
        "balance",
        "is_reversal",
        "by",
    )
    list_select_related = (
        "document__posted_by",
        "document__cancelled_by",
        "product",
        "warehouse",
    )
    list_filter = ("document__doc_type", "is_reversal", "warehouse")
    # Codes and numbers match exactly (SKU-1 must not find SKU-10); names by any part.
    search_fields = ("=product__sku", "product__name", "=document__number", "=warehouse__code")
    date_hierarchy = "created_at"
    ordering = ("-id",)
    # Counting a ledger of millions of rows for every page is slow; filtered counts stay.
    show_full_result_count = False
    csv_columns = (
        ("id", "id"),
        ("created_at", "created_at"),
        ("document", "document__number"),
        ("doc_type", "document__doc_type"),
        ("warehouse", "warehouse__code"),
        ("sku", "product__sku"),
        ("quantity", "quantity"),
        ("is_reversal", "is_reversal"),
    )

    @admin.display(description="document", ordering="document__number")
    def document_link(self, movement):
        return _movement_document(movement)

    @admin.display(description="type", ordering="document__doc_type")
    def doc_type(self, movement):
        return movement.document.get_doc_type_display()

    @admin.display(description="quantity", ordering="quantity")
    def signed_quantity(self, movement):
        return _signed(movement.quantity)

    def get_changelist(self, request, **kwargs):
        return LedgerChangeList

    @admin.display(description="balance after")
    def balance(self, movement):
        return movement.balance

    @admin.display(description="by")
    def by(self, movement):
        user = (
            movement.document.cancelled_by if movement.is_reversal else movement.document.posted_by
        )
        return user.get_username() if user is not None else "-"


# --- reorder points -------------------------------------------------------------------------


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
class ReorderPointAdmin(RowColumns, admin.ModelAdmin):
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


# --- lots, quants, and what each location holds --------------------------------------------


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


class LotInStockFilter(InStockFilter):
    field = "stock_quantity"  # the sum of the lot's quants, annotated by LotAdmin


@admin.register(Lot)
class LotAdmin(admin.ModelAdmin):
    list_display = ("code", "product_link", "expires_on", "is_serial", "in_stock")
    list_select_related = ("product",)
    list_filter = (ExpiringWithinFilter, LotInStockFilter, "is_serial")
    search_fields = ("code", "product__sku", "product__name")
    ordering = ("expires_on", "product__sku", "code")
    autocomplete_fields = ("product",)
    readonly_fields = ("is_serial", "stock", "created_at")

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(stock_quantity=Coalesce(Sum("quants__quantity"), Value(0)))
        )

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

    def save_model(self, request, obj, form, change):
        if not change:
            obj.is_serial = obj.product.tracking == Product.Tracking.SERIAL
        super().save_model(request, obj, form, change)


@admin.register(Quant)
class QuantAdmin(RowColumns, CsvExportMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
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
    ordering = ("warehouse__code", "location__path", "product__sku")
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
