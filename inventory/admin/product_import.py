"""Importing products from a CSV file on the products screen, through inventory.services."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path

from inventory.services import (
    IMPORT_COLUMNS,
    IMPORT_REQUIRED_COLUMNS,
    products_import,
)

# The preview keeps the file in the confirmation form; Django refuses form data over 2.5 MB
# (DATA_UPLOAD_MAX_MEMORY_SIZE). Bigger files go through `manage.py import_products`.
IMPORT_MAX_BYTES = 2_000_000


IMPORT_ROWS_SHOWN = 200


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


class ProductImportMixin:
    """The products screen's CSV import: a dry run first, then confirm to save."""

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
