"""Importing products, and their packagings, from CSV files on the products screen, and
exporting packagings, through inventory.services."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import StreamingHttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path

from inventory.services import (
    IMPORT_COLUMNS,
    IMPORT_REQUIRED_COLUMNS,
    PACKAGING_COLUMNS,
    PACKAGING_REQUIRED_COLUMNS,
    packagings_export,
    packagings_import,
    products_import,
)

# The preview keeps the file in the confirmation form; Django refuses form data over 2.5 MB
# (DATA_UPLOAD_MAX_MEMORY_SIZE). Bigger files go through `manage.py import_products`.
IMPORT_MAX_BYTES = 2_000_000


IMPORT_ROWS_SHOWN = 200


class ProductImportForm(forms.Form):
    columns, required, command = IMPORT_COLUMNS, IMPORT_REQUIRED_COLUMNS, "import_products"

    file = forms.FileField(required=False)
    csv_text = forms.CharField(required=False, widget=forms.HiddenInput, strip=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = (
            f"UTF-8 CSV with a header row. Columns: {', '.join(self.columns)}; "
            f"{', '.join(self.required)} are required, a column left out keeps the "
            f"value of existing rows. At most {IMPORT_MAX_BYTES // 1_000_000} MB; use "
            f"`manage.py {self.command}` for bigger files."
        )

    def clean(self):
        data = super().clean()
        upload = data.get("file")
        if upload is not None:
            if upload.size > IMPORT_MAX_BYTES:
                raise ValidationError(
                    {
                        "file": f"The file is larger than {IMPORT_MAX_BYTES // 1_000_000} MB; "
                        f"import it with `manage.py {self.command} FILE.csv`."
                    }
                )
            try:
                data["csv_text"] = upload.read().decode("utf-8-sig")
            except UnicodeDecodeError:
                raise ValidationError({"file": "The file is not UTF-8 text."}) from None
        if not data.get("csv_text"):
            raise ValidationError({"file": "Choose a CSV file."})
        return data


class PackagingImportForm(ProductImportForm):
    columns, required = PACKAGING_COLUMNS, PACKAGING_REQUIRED_COLUMNS
    command = "import_packagings"


class ProductImportMixin:
    """The products screen's CSV imports (products, packagings): a dry run first, then
    confirm to save; and the export of the selected products' packagings."""

    def has_import_permission(self, request) -> bool:
        return self.has_add_permission(request) and self.has_change_permission(request)

    def get_urls(self):
        return [
            path(
                "import/",
                self.admin_site.admin_view(self.import_view),
                name="inventory_product_import",
            ),
            path(
                "import-packagings/",
                self.admin_site.admin_view(self.import_packagings_view),
                name="inventory_product_import_packagings",
            ),
            *super().get_urls(),
        ]

    def changelist_view(self, request, extra_context=None):
        extra_context = {**(extra_context or {}), "can_import": self.has_import_permission(request)}
        return super().changelist_view(request, extra_context)

    def import_view(self, request):
        return self._import(request, ProductImportForm, products_import, "products")

    def import_packagings_view(self, request):
        return self._import(request, PackagingImportForm, packagings_import, "packagings")

    @admin.action(description="Export packagings of selected products (CSV)")
    def export_packagings(self, request, queryset):
        response = StreamingHttpResponse(
            packagings_export(product_ids=queryset.values("pk")),
            content_type="text/csv; charset=utf-8",
        )
        response["Content-Disposition"] = 'attachment; filename="packagings.csv"'
        return response

    def _import(self, request, form_class, run, what: str):
        """Upload a CSV, see what it would do (a dry run), then confirm to save it."""
        if not self.has_import_permission(request):
            raise PermissionDenied
        result = None
        form = form_class()
        if request.method == "POST":
            form = form_class(request.POST, request.FILES)
            if form.is_valid():
                text = form.cleaned_data["csv_text"]
                confirmed = "_confirm" in request.POST
                try:
                    result = run(lines=text.splitlines(keepends=True), dry_run=not confirmed)
                except ValidationError as exc:
                    form.add_error("file", exc)
                else:
                    if result.saved:
                        self.message_user(request, result.summary(), messages.SUCCESS)
                        return redirect("admin:inventory_product_changelist")
                    form = form_class(initial={"csv_text": text})
        errors = result.errors if result else []
        changes = [r for r in result.rows if r.action != "unchanged"] if result else []
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": f"Import {what} from CSV",
            "what": what,
            "form": form,
            "result": result,
            "shown_errors": errors[:IMPORT_ROWS_SHOWN],
            "more_errors": max(len(errors) - IMPORT_ROWS_SHOWN, 0),
            "shown_rows": changes[:IMPORT_ROWS_SHOWN],
            "has_changes": bool(changes),
        }
        return TemplateResponse(request, "admin/inventory/product/import.html", context)
