"""Building blocks for the staff screens of every app: read-only lists, CSV export, tables."""

import csv
from collections.abc import Iterable, Sequence
from datetime import datetime

from django import forms
from django.contrib import messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.widgets import AutocompleteSelect, AutocompleteSelectMultiple
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.http import HttpResponseBadRequest, StreamingHttpResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join

from wms.validators import whole_number

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


def is_pk_of(model, value: str) -> bool:
    """Whether a selected id could be a row of ``model`` (a number that fits the column)."""
    field = model._meta.pk
    while field.is_relation:  # a one-to-one key is its target's number
        field = field.target_field
    if isinstance(field, models.IntegerField):  # AutoField and BigAutoField are ones too
        return whole_number(value) is not None
    try:
        field.to_python(value)
    except ValidationError:
        return False
    return "\x00" not in value


class CheckedModelChoiceField(forms.ModelChoiceField):
    """A choice that is no id ("abc", "²", 10**30) is an invalid choice, not a query: Django's
    own lets SQLite overflow on a number past 64 bits (500)."""

    def to_python(self, value):
        if value not in self.empty_values and not is_pk_of(self.queryset.model, str(value)):
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return super().to_python(value)


class CheckedModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    def _check_values(self, value):
        for pk in value:
            if not is_pk_of(self.queryset.model, str(pk)):
                raise ValidationError(
                    self.error_messages["invalid_pk_value"],
                    code="invalid_pk_value",
                    params={"pk": pk},
                )
        return super()._check_values(value)


class _CheckedChosen:
    """An autocomplete's chosen values are loaded to show their labels: a form sent back with
    a forged one shows it as no choice (the field says why) instead of querying with it."""

    def optgroups(self, name, value, attr=None):
        model = self.field.remote_field.model
        kept = [v for v in value if str(v) in ("", "None") or is_pk_of(model, str(v))]
        return super().optgroups(name, kept, attr)


class CheckedAutocompleteSelect(_CheckedChosen, AutocompleteSelect):
    pass


class CheckedAutocompleteSelectMultiple(_CheckedChosen, AutocompleteSelectMultiple):
    pass


class ForgedChoicesRefused:
    """On every screen of the admin site and its inlines: a forged id in a choice or an
    autocomplete is a form error, never a query that fails (500)."""

    def _checked(self, db_field, request, kwargs, widget, form_class) -> dict:
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = widget(db_field, self.admin_site, using=kwargs.get("using"))
        return {"form_class": form_class, **kwargs}

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        kwargs = self._checked(
            db_field, request, kwargs, CheckedAutocompleteSelect, CheckedModelChoiceField
        )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        kwargs = self._checked(
            db_field,
            request,
            kwargs,
            CheckedAutocompleteSelectMultiple,
            CheckedModelMultipleChoiceField,
        )
        return super().formfield_for_manytomany(db_field, request, **kwargs)


class ForgedInputRefused(ForgedChoicesRefused):
    """Also for every list: an action on a selection with a value that is no id (a tampered
    form) does nothing and says so; Django's own would hand it to the database (ValueError, or
    an integer SQLite cannot hold) and answer 500."""

    def response_action(self, request, queryset):
        selected = request.POST.getlist(ACTION_CHECKBOX_NAME)
        forged = [value for value in selected if not is_pk_of(self.model, value)]
        if forged:
            shown = ", ".join(repr(value) for value in forged[:5])
            self.message_user(
                request, f"Nothing was done: the selection holds {shown}, not ids.", messages.ERROR
            )
            return None
        return super().response_action(request, queryset)


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
