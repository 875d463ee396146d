"""Building blocks for the staff screens of every app: read-only lists, CSV export, tables."""

import csv
from collections.abc import Iterable, Sequence
from datetime import datetime

from django.contrib.admin.options import IncorrectLookupParameters
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseBadRequest, StreamingHttpResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join

EXPORT_CHUNK = 2000
# A cell starting with one of these is run as a formula by spreadsheets (CSV injection).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


class ReadOnlyAdminMixin:
    """A list to look at, never to edit: rows are written only by the services."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class _Echo:
    """A file whose write returns the text, so csv.writer can feed a generator."""

    def write(self, value: str) -> str:
        return value


def _csv_cell(value):
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        # The server's time zone with its offset, to the second: what a spreadsheet reads.
        moment = timezone.localtime(value) if timezone.is_aware(value) else value
        return moment.isoformat(sep=" ", timespec="seconds")
    if isinstance(value, str) and value.lstrip(" ").startswith(_FORMULA_START):
        # Text only: numbers reach here as numbers, so -5 in a quantity column stays -5.
        return "'" + value
    return value


def csv_rows(headers: Sequence[str], rows: Iterable[Sequence]):
    """CSV lines, header first, each cell neutralised for spreadsheets (see _csv_cell)."""
    writer = csv.writer(_Echo())
    yield writer.writerow(headers)
    for row in rows:
        yield writer.writerow([_csv_cell(value) for value in row])


class CsvExportMixin:
    """An "Export CSV" button on the changelist: the rows its filters and search select.

    The selection is the changelist's own (same filters, search, ordering), read with
    values_list in chunks and streamed, so a table of millions of rows neither sits in memory
    nor waits for the whole file. Subclasses name the columns as (header, values() path).
    """

    change_list_template = "admin/wms/change_list_with_export.html"
    csv_columns: Sequence[tuple[str, str]] = ()

    def get_urls(self):
        name = f"{self.opts.app_label}_{self.opts.model_name}_export"
        return [
            path("export/", self.admin_site.admin_view(self.export_csv_view), name=name),
            *super().get_urls(),
        ]

    def export_csv_view(self, request):
        if not self.has_view_permission(request):
            raise PermissionDenied
        try:
            changelist = self.get_changelist_instance(request)
        except IncorrectLookupParameters:
            return HttpResponseBadRequest("Unknown filter in the export's query string.")
        rows = changelist.queryset.values_list(*(p for _, p in self.csv_columns)).iterator(
            chunk_size=EXPORT_CHUNK
        )
        response = StreamingHttpResponse(
            self._csv_lines(rows), content_type="text/csv; charset=utf-8"
        )
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
        filename = f"{self.opts.verbose_name_plural.replace(' ', '-')}-{stamp}.csv"
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response

    def _csv_lines(self, rows: Iterable[tuple]):
        writer = csv.writer(_Echo())
        yield writer.writerow([header for header, _ in self.csv_columns])
        # A column with choices is written as the screens show it ("piece", not "pcs").
        labels = [_choice_labels(self.model, p) for _, p in self.csv_columns]
        for row in rows:
            yield writer.writerow(
                [
                    _csv_cell(names.get(v, v) if names else v)
                    for v, names in zip(row, labels, strict=True)
                ]
            )


def _choice_labels(model, path: str) -> dict | None:
    """{value: label} of the field a values() path ends on, if it has choices."""
    field = None
    for part in path.split("__"):
        field = model._meta.get_field(part)
        model = field.related_model or model
    return {value: str(label) for value, label in field.flatchoices} if field.choices else None


def html_table(headers: Sequence[str], rows: Iterable[Sequence], empty: str):
    """A small read-only table for a change page; cells are escaped unless already safe."""
    body = format_html_join(
        "", "<tr>{}</tr>", ((format_html_join("", "<td>{}</td>", ((c,) for c in r)),) for r in rows)
    )
    if not body:
        return format_html("<p>{}</p>", empty)
    head = format_html_join("", "<th>{}</th>", ((h,) for h in headers))
    return format_html("<table><thead><tr>{}</tr></thead><tbody>{}</tbody></table>", head, body)


def change_link(viewname: str, pk, label):
    """A link to an object's admin page, e.g. change_link("inventory_product", 3, "SKU-1")."""
    return format_html('<a href="{}">{}</a>', reverse(f"admin:{viewname}_change", args=[pk]), label)
