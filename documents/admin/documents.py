"""The documents screen. Every write goes through documents.services, as in the API."""

from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.utils import construct_change_message
from django.contrib.admin.views.main import ChangeList
from django.contrib.postgres.expressions import ArraySubquery
from django.core.exceptions import ValidationError
from django.db import connections
from django.db.models import BooleanField, Count, Exists, F, Func, OuterRef, Q
from django.http import HttpResponseRedirect
from django.shortcuts import redirect
from django.utils.html import format_html, format_html_join

from documents.admin.common import (
    STATUS_STYLE,
    ServiceRefused,
    _refusal,
    _user_name,
    _without_related_links,
    unset_status_fields,
)
from documents.admin.count_phone import CountPhoneMixin
from documents.admin.forms import DocumentForm, LineFormSet, LineInline, draft_line_fields
from documents.admin.picking import PickingMixin
from documents.admin.reserved_lines import walking_formset_kwargs
from documents.admin.returns import ReturnsAdminMixin, hidden_return_fields, without_fields
from documents.admin.transitions import DocumentActionForm, DocumentTransitionsMixin
from documents.models import DocType, Document, DocumentLine, Status
from documents.selectors import (
    document_movements,
)
from documents.services import (
    document_actions,
    document_create,
    document_delete,
    document_update,
    user_can_post,
)
from wms.admin_mixins import change_link, html_table
from wms.admin_paging import LargeListAdmin
from wms.exceptions import DomainError


class EqualsAny(Func):
    """``left = ANY(array)``: unlike ``IN (subquery)``, a condition a bitmap index scan serves,
    the array computed once before the scan."""

    conditional = True
    output_field = BooleanField()

    def as_sql(self, compiler, connection, **extra_context):
        left, left_params = compiler.compile(self.source_expressions[0])
        right, right_params = compiler.compile(self.source_expressions[1])
        return f"{left} = ANY({right})", (*left_params, *right_params)


class DocumentChangeList(ChangeList):
    """Each document of the page with its number of lines, counted for the page's rows in one
    query after paging: neither a join over every document's lines nor a count per row skipped
    by a deep page's OFFSET."""

    def get_results(self, request):
        super().get_results(request)
        rows = list(self.result_list)
        lines = DocumentLine.objects.filter(document_id__in=[d.pk for d in rows]).order_by()
        counts = dict(lines.values_list("document_id").annotate(n=Count("id")))
        for document in rows:
            document.line_count = counts.get(document.pk, 0)
        self.result_list = rows


@admin.register(Document)
class DocumentAdmin(
    LargeListAdmin,
    CountPhoneMixin,
    DocumentTransitionsMixin,
    PickingMixin,
    ReturnsAdminMixin,
    admin.ModelAdmin,
):
    form = DocumentForm
    inlines = (LineInline,)
    list_display = (
        "number",
        "doc_type",
        "status_badge",
        "warehouses",
        "reference",
        "line_count",
        "created_by",
        "created_at",
        "posted_at",
    )
    list_select_related = ("warehouse", "destination_warehouse", "created_by")
    list_filter = (
        "doc_type",
        "status",
        "warehouse",
        # Every user, not only those who made a document: finding those reads every document.
        "created_by",
        # Not a date_hierarchy: its year links read every document (SELECT DISTINCT year); these
        # ranges read none, and ?created_at__year=...&created_at__month=... still filter.
        "created_at",
    )
    # Exact SKU: a document is found by what it moves, never by a SKU that merely contains it.
    search_fields = ("number", "reference", "=lines__product__sku")
    autocomplete_fields = ("warehouse", "destination_warehouse")
    raw_id_fields = ("origin",)
    actions = (
        "post_selected",
        "reserve_selected",
        "unreserve_selected",
        "create_pick_list",
        "cancel_selected",
    )
    action_form = DocumentActionForm
    readonly_fields = (
        "moved",
        "backorder_of",
        "backorders",
        "returns",
        "number",
        "status_badge",
        "created_by_name",
        "created_at",
        "posted_at",
        "posted_by_name",
        "cancelled_at",
        "cancelled_by_name",
        "cancel_reason",
    )
    fieldsets = (
        (
            None,
            {
                "fields": (
                    "doc_type",
                    "warehouse",
                    "destination_warehouse",
                    "origin",
                    "reference",
                    "note",
                )
            },
        ),
        (
            "Status",
            {
                "fields": (
                    ("number", "status_badge"),
                    ("backorder_of", "backorders"),
                    "returns",
                    ("created_by_name", "created_at"),
                    ("posted_by_name", "posted_at"),
                    ("cancelled_by_name", "cancelled_at"),
                    "cancel_reason",
                )
            },
        ),
    )

    class Media:
        js = (
            "admin/js/jquery.init.js",
            "documents/scan_feedback.js",
            "documents/quantities.js",
            "documents/scan_entry.js",
            "documents/scan_guard.js",
            "documents/post_confirm.js",
            "documents/document_form.js",
            "documents/responsive.js",
        )
        css = {"all": ("documents/scan_entry.css", "documents/responsive.css")}

    def get_formset_kwargs(self, request, obj, inline, prefix):
        kwargs = super().get_formset_kwargs(request, obj, inline, prefix)
        return walking_formset_kwargs(kwargs, obj)

    def get_changelist(self, request, **kwargs):
        return DocumentChangeList

    def get_search_results(self, request, queryset, search_term):
        """search_fields' meaning: each word in the number or the reference, or a line's exact
        SKU. On PostgreSQL the SKU's documents are one array computed first, so a rare word is
        a BitmapOr of the trigram indexes and that array, and a common one a walk of the list's
        order that stops at the page; an EXISTS there could only be tested row by row, over a
        million documents when nothing matches."""
        vendor = connections[queryset.db].vendor
        for word in search_term.split():
            lines = DocumentLine.objects.order_by().filter(product__sku=word)
            if vendor == "postgresql":
                in_lines = EqualsAny(F("pk"), ArraySubquery(lines.values("document_id")))
            else:
                in_lines = Exists(lines.filter(document=OuterRef("pk")))
            queryset = queryset.filter(
                Q(number__icontains=word) | Q(reference__icontains=word) | Q(in_lines)
            )
        return queryset, False

    def get_fieldsets(self, request, obj=None):
        if obj is None:
            return self.fieldsets[:1]  # no status before it exists
        hidden = hidden_return_fields(obj) | unset_status_fields(obj)
        if obj.doc_type != DocType.TRANSFER:
            hidden.add("destination_warehouse")
        fieldsets = without_fields(self.fieldsets, hidden)
        if obj.status in (Status.DRAFT, Status.RESERVED):
            return fieldsets  # nothing has moved yet: no "What moved: None."
        return (*fieldsets, ("What moved", {"fields": ("moved",)}))

    def formfield_for_choice_field(self, db_field, request, **kwargs):
        if db_field.name == "doc_type":
            # Only the types this user may post: a draft nobody here can post only waits.
            kwargs["choices"] = [
                (value, label)
                for value, label in db_field.choices
                if user_can_post(request.user, value)
            ]
        return super().formfield_for_choice_field(db_field, request, **kwargs)

    @admin.display(description="backorders")
    def backorders(self, document):
        links = [
            change_link("documents_document", pk, number)
            for pk, number in document.backorders.values_list("pk", "number")
        ]
        return format_html_join(", ", "{}", ((link,) for link in links)) if links else "—"

    @admin.display(description="quants moved")
    def moved(self, document):
        """Each ledger row of the document: which line moved what out of or into which quant.
        Lines are numbered as the page lists them (1, 2, ...), not by their database ids."""
        order = document.lines.order_by("pk").values_list("pk", flat=True)
        position = {pk: n for n, pk in enumerate(order, start=1)}
        rows = [
            (
                position.get(m.document_line_id, "?"),
                m.product.sku,
                change_link("warehouses_location", m.location_id, m.location.full_path),
                m.lot.code if m.lot else "—",
                f"{m.quantity:+d}",
                m.balance_after,
                "reversal" if m.is_reversal else "",
            )
            for m in document_movements(document_id=document.pk)
        ]
        return html_table(
            ("Line", "SKU", "Location", "Lot", "Quantity", "Balance after", ""), rows, "None."
        )

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        return _without_related_links(super().formfield_for_dbfield(db_field, request, **kwargs))

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return self.readonly_fields
        return ("doc_type", "origin", *self.readonly_fields)  # document_update keeps them

    @admin.display(description="status", ordering="status")
    def status_badge(self, document):
        background, colour = STATUS_STYLE[document.status]
        return format_html(
            '<span class="status status-{}" style="background:{};color:{};padding:2px 8px;'
            'border-radius:10px;font-weight:600;white-space:nowrap">{}</span>',
            document.status,
            background,
            colour,
            document.get_status_display(),
        )

    # Who did it, as text: a link would lead staff without user permissions to a bare 403.

    @admin.display(description="created by")
    def created_by_name(self, document):
        return _user_name(document.created_by)

    @admin.display(description="posted by")
    def posted_by_name(self, document):
        return _user_name(document.posted_by)

    @admin.display(description="cancelled by")
    def cancelled_by_name(self, document):
        return _user_name(document.cancelled_by)

    @admin.display(description="warehouses", ordering="warehouse__code")
    def warehouses(self, document):
        if document.destination_warehouse_id:
            return f"{document.warehouse.code} → {document.destination_warehouse.code}"
        return document.warehouse.code

    @admin.display(description="lines")
    def line_count(self, document):
        return document.line_count

    # Only drafts are edited or deleted; posted and cancelled documents are shown read-only.

    def has_change_permission(self, request, obj=None):
        return (obj is None or obj.is_draft) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return (obj is None or obj.is_draft) and super().has_delete_permission(request, obj)

    # --- saving through the services ----------------------------------------------------------

    def save_model(self, request, obj, form, change):
        """Nothing here: the document and its lines are written together in save_related."""

    def save_related(self, request, form, formsets, change):
        data = form.cleaned_data
        lines = next(fs for fs in formsets if isinstance(fs, LineFormSet)).lines
        fields = {
            "warehouse_id": data["warehouse"].pk,
            "destination_warehouse_id": (
                data["destination_warehouse"].pk if data.get("destination_warehouse") else None
            ),
            "reference": data.get("reference", ""),
            "note": data.get("note", ""),
            "lines": lines,
        }
        try:
            if change:
                document = document_update(document_id=form.instance.pk, **fields)
            else:
                document = document_create(
                    doc_type=data["doc_type"],
                    created_by=request.user,
                    origin_id=data["origin"].pk if data.get("origin") else None,
                    **fields,
                )
        except (ValidationError, DomainError, Document.DoesNotExist) as exc:
            raise ServiceRefused(_refusal(exc)) from exc
        # The admin goes on (log entry, message, redirect) with the form's object.
        form.instance.pk = document.pk
        form.instance.number = document.number

    def construct_change_message(self, request, form, formsets, add):
        message = construct_change_message(form, [], add)
        if not add and any(fs.has_changed() for fs in formsets):
            message.append({"changed": {"fields": ["lines"]}})
        return message

    def delete_model(self, request, obj):
        try:
            document_delete(document_id=obj.pk)
        except (DomainError, Document.DoesNotExist) as exc:
            raise ServiceRefused(_refusal(exc)) from exc

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except ServiceRefused as exc:
            self.message_user(request, f"Not saved: {exc}", messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())

    def delete_view(self, request, object_id, extra_context=None):
        try:
            return super().delete_view(request, object_id, extra_context)
        except ServiceRefused as exc:
            self.message_user(request, f"Not deleted: {exc}", messages.ERROR)
            return redirect("admin:documents_document_change", object_id)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        offered = document_actions(obj, request.user) if obj else frozenset()
        context["can_post"] = "post" in offered
        context["can_reserve"] = "reserve" in offered
        context["can_unreserve"] = "unreserve" in offered
        context["can_cancel"] = "cancel" in offered
        context["scan_entry"] = obj is None or (
            "edit" in offered and self.has_change_permission(request, obj)
        )
        context["quantity_limit"] = settings.QUANTITY_CONFIRM_ABOVE
        if obj is None:
            context["line_columns"] = {t: draft_line_fields(t) for t in DocType.values}
        # Said on the page rather than found out: who may post what this user cannot.
        may_post = bool(obj and user_can_post(request.user, obj.doc_type))
        context["posted_by_manager"] = bool(
            obj and not may_post and obj.status in (Status.DRAFT, Status.RESERVED)
        )
        return super().render_change_form(request, context, add, change, form_url, obj)
