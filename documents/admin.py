"""Staff screens for documents. Every write goes through documents.services, as in the API."""

from functools import cached_property

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ActionForm
from django.contrib.admin.utils import construct_change_message, unquote
from django.contrib.admin.widgets import AutocompleteSelect
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.forms.models import BaseInlineFormSet, construct_instance
from django.http import Http404, HttpResponseNotAllowed, HttpResponseRedirect
from django.shortcuts import redirect
from django.urls import path
from django.utils.html import format_html, format_html_join

import documents.admin_dashboard  # noqa: F401 - the start page and the failures list
from documents.admin_picking import PickingMixin, post_picked, shipped_input
from documents.admin_returns import ReturnsAdminMixin, hidden_return_fields, without_fields
from documents.admin_tools import in_stock_view, replenish_view, start_count_view
from documents.models import CANCEL_REASON_MAX, DocType, Document, DocumentLine, Status
from documents.papers import document_paper
from documents.selectors import (
    document_movements,
    lines_with_count_result,
    lines_with_reserved,
    lines_with_stock,
)
from documents.services import (
    RESERVABLE,
    LineInput,
    document_cancel,
    document_create,
    document_delete,
    document_post,
    document_reserve,
    document_unreserve,
    document_update,
    document_validate,
    user_can_cancel,
    user_can_post,
)
from inventory.api import ScanView
from inventory.models import Product
from wms.admin_mixins import change_link, html_table
from wms.exceptions import DomainError

STATUS_STYLE = {
    Status.DRAFT: ("#fff3cd", "#664d03"),
    Status.RESERVED: ("#cfe2ff", "#084298"),
    Status.POSTED: ("#d1e7dd", "#0f5132"),
    Status.CANCELLED: ("#f8d7da", "#842029"),
}


class ServiceRefused(Exception):
    """A service refused a save or delete that the form had found valid (another user changed
    the document in between); shown as a message instead of the form."""


def _refusal(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        return " ".join(exc.messages)
    if isinstance(exc, DomainError):
        return exc.message
    if isinstance(exc, Document.DoesNotExist):
        return "The document no longer exists."
    return str(exc)


REASON_REQUIRED = "give the reason for cancelling."


def _cancel_with(reason: str):
    """document_cancel with the reason staff must give here (the API may leave it out);
    permission first, so a forged request is a 403 whatever its reason."""

    def cancel(*, document_id: int, user):
        if not user_can_cancel(user):
            raise PermissionDenied
        if not reason.strip():
            raise ValidationError(REASON_REQUIRED.capitalize())
        return document_cancel(document_id=document_id, user=user, reason=reason)

    return cancel


class DocumentActionForm(ActionForm):
    reason = forms.CharField(
        required=False,
        max_length=CANCEL_REASON_MAX,
        label="Reason",
        widget=forms.TextInput(attrs={"placeholder": "why (to cancel)"}),
    )


def _user_name(user) -> str:
    return (user.get_full_name() or user.get_username()) if user is not None else "-"


def _without_related_links(formfield):
    """No add/edit/delete links beside a picked warehouse or product: a document is not the
    place to change them (viewing stays)."""
    wrapper = getattr(formfield, "widget", None)
    if wrapper is not None and hasattr(wrapper, "can_add_related"):
        wrapper.can_add_related = wrapper.can_change_related = wrapper.can_delete_related = False
    return formfield


# --- the draft form -------------------------------------------------------------------------


class DocumentForm(forms.ModelForm):
    class Meta:
        model = Document
        fields = ("doc_type", "warehouse", "destination_warehouse", "origin", "reference", "note")

    def clean(self):
        data = super().clean()
        checked = ("doc_type", "warehouse", "destination_warehouse", "origin")
        if any(self.has_error(f) for f in checked if f in self.fields):
            return data
        doc_type = data.get("doc_type", self.instance.doc_type)
        warehouse = data.get("warehouse")
        destination = data.get("destination_warehouse")
        origin = data.get("origin", self.instance.origin if self.instance.origin_id else None)
        try:
            # The lines are checked by the formset, with the same service function; here only
            # what concerns the document's own fields is kept.
            document_validate(
                doc_type=doc_type,
                warehouse_id=warehouse.pk if warehouse else None,
                destination_warehouse_id=destination.pk if destination else None,
                lines=[],
                origin_id=origin.pk if origin else None,
            )
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                if field != "lines":
                    self.add_error(field if field in self.fields else None, errors)
        return data

    def _post_clean(self):
        # documents.services writes the document and has checked its rules in clean(); the
        # model's generic checks (CHECK constraints) would only repeat them less readably.
        self.instance = construct_instance(self, self.instance, self._meta.fields)


class ProductAutocomplete(AutocompleteSelect):
    """Shows each line's chosen product from the formset's single load, not a query per line."""

    known: dict[str, Product] = {}

    def optgroups(self, name, value, attr=None):
        chosen = [str(v) for v in value if str(v) not in self.choices.field.empty_values]
        if not chosen or any(v not in self.known for v in chosen):
            return super().optgroups(name, value, attr)
        options = [] if self.is_required else [self.create_option(name, "", "", False, 0)]
        for v in chosen:
            label = self.choices.field.label_from_instance(self.known[v])
            options.append(self.create_option(name, v, label, True, len(options)))
        return [(None, options, 0)]


class ProductChoiceField(forms.ModelChoiceField):
    """Takes the posted product from the formset's single load, not a query per line."""

    known: dict[str, Product] = {}

    def to_python(self, value):
        if value not in self.empty_values and str(value) in self.known:
            return self.known[str(value)]
        return super().to_python(value)


class LineForm(forms.ModelForm):
    lot_code = forms.CharField(
        label="lot", max_length=64, required=False, help_text="Lot or serial code."
    )
    expires_on = forms.DateField(
        required=False,
        help_text="A new lot's expiry.",
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    class Meta:
        model = DocumentLine
        fields = ("product", "quantity", "location", "destination_location")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        lot = self.instance.lot if self.instance.lot_id else None
        if lot is not None:
            self.initial.setdefault("lot_code", lot.code)
            self.initial.setdefault("expires_on", lot.expires_on)

    def _post_clean(self):
        # Lines are never saved through this form: documents.services checks them all at once
        # (product exists and is active, no product twice, the quantity fits the type) and
        # writes them. The model's per-line checks would cost a query per line.
        pass


class LineFormSet(BaseInlineFormSet):
    @cached_property
    def known_products(self) -> dict[str, Product]:
        known = {str(line.product_id): line.product for line in self.get_queryset()}
        if self.is_bound:
            posted = {
                value
                for key, value in self.data.items()
                if key.startswith(f"{self.prefix}-") and key.endswith("-product") and value
            }
            wanted = [v for v in posted - known.keys() if v.isdigit()]
            known.update({str(p.pk): p for p in Product.objects.filter(pk__in=wanted)})
        return known

    def _construct_form(self, i, **kwargs):
        form = super()._construct_form(i, **kwargs)
        field = form.fields.get("product")
        if field is not None:
            field.known = self.known_products
            widget = getattr(field.widget, "widget", field.widget)  # inside the admin's wrapper
            widget.known = self.known_products
        return form

    def clean(self):
        # BaseModelFormSet.clean() is not called: it checks products for duplicates, which
        # documents.services does with a clearer message.
        if any(self.errors):
            return
        self.lines = [
            _line_input(form.cleaned_data)
            for form in self.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE")
        ]
        document = self.instance
        try:
            document_validate(
                doc_type=document.doc_type,
                warehouse_id=document.warehouse_id,
                destination_warehouse_id=document.destination_warehouse_id,
                lines=self.lines,
                origin_id=document.origin_id,
            )
        except ValidationError as exc:
            # The document's own fields are reported by DocumentForm.
            line_errors = exc.message_dict.get("lines")
            if line_errors:
                raise ValidationError(line_errors) from None


def _line_input(data) -> LineInput:
    place = data.get("location")
    destination = data.get("destination_location")
    return LineInput(
        product_id=data["product"].pk,
        quantity=data["quantity"],
        location_id=place.pk if place else None,
        destination_location_id=destination.pk if destination else None,
        lot=data.get("lot_code") or None,
        expires_on=data.get("expires_on"),
    )


# The line fields each type uses (a new document shows them all until its type is saved).
LINE_FIELDS = {
    DocType.RECEIPT: ("product", "quantity", "location", "lot_code", "expires_on"),
    DocType.SHIPMENT: ("product", "quantity", "location", "lot_code"),
    DocType.TRANSFER: ("product", "quantity", "location", "destination_location", "lot_code"),
    DocType.ADJUSTMENT: ("product", "quantity", "location", "lot_code"),
    DocType.COUNT: ("product", "quantity", "location", "lot_code"),
    DocType.RETURN: ("product", "quantity", "location", "lot_code"),
}


class LineInline(admin.TabularInline):
    model = DocumentLine
    form = LineForm
    formset = LineFormSet
    # Every field a line can have; get_fields keeps those of the document's type.
    fields = (
        "product",
        "quantity",
        "unit",
        "in_stock",
        "location",
        "destination_location",
        "lot_code",
        "expires_on",
    )
    readonly_fields = ("unit", "in_stock", "reserved", "available", "shipped")
    autocomplete_fields = ("product", "location", "destination_location")
    extra = 1

    def get_queryset(self, request):
        lines = (
            super()
            .get_queryset(request)
            .select_related("lot", "location__warehouse", "destination_location__warehouse")
        )
        return lines_with_reserved(lines_with_count_result(lines_with_stock(lines)))

    def get_fields(self, request, obj=None):
        if obj is None:
            return self.fields
        where = LINE_FIELDS[obj.doc_type][2:]  # the location and lot fields of its type
        if not obj.is_draft:
            # Today's stock says nothing of the past; a count says what it found.
            if obj.doc_type == DocType.COUNT and obj.status == Status.POSTED:
                return ("product", "book", "quantity", "difference", "unit", *where)
            if obj.status == Status.RESERVED:
                # What is promised, what is left for others, and (for who may post it) what
                # the picker found, sent with the Post button.
                may_post = user_can_post(request.user, obj.doc_type)
                self.typed = request.GET.dict()
                shipped = ("shipped",) if may_post else ()
                return ("product", "quantity", "reserved", *shipped, "available", "unit", *where)
            return ("product", "quantity", "unit", *where)
        if obj.doc_type == DocType.COUNT:
            # A count's quantity starts as the book (or 0 when blind): no second figure beside it.
            return ("product", "quantity", "unit", *where)
        return ("product", "quantity", "unit", "in_stock", *where)

    def get_readonly_fields(self, request, obj=None):
        return (*self.readonly_fields, "book", "difference")

    @admin.display(description="book")
    def book(self, line):
        return line.book

    @admin.display(description="difference")
    def difference(self, line):
        return f"{line.difference:+d}" if line.difference else "0"

    @admin.display(description="reserved")
    def reserved(self, line):
        return line.reserved

    @admin.display(description="available")
    def available(self, line):
        return line.in_stock

    @admin.display(description="shipped")
    def shipped(self, line):
        return shipped_input(line, self.typed)

    @admin.display(description="unit")
    def unit(self, line):
        return line.product.get_unit_display() if line.product_id else ""

    @admin.display(description="in stock")
    def in_stock(self, line):
        # Filled by the scan for new lines; saved lines have it from get_queryset.
        return getattr(line, "in_stock", "")

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        return _without_related_links(super().formfield_for_dbfield(db_field, request, **kwargs))

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "product":
            kwargs["widget"] = ProductAutocomplete(db_field, self.admin_site)
            kwargs["form_class"] = ProductChoiceField
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def _draft(self, obj) -> bool:
        return obj is None or obj.is_draft

    def has_add_permission(self, request, obj=None):
        return self._draft(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return self._draft(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self._draft(obj) and super().has_delete_permission(request, obj)


# --- the admin ------------------------------------------------------------------------------


@admin.register(Document)
class DocumentAdmin(PickingMixin, ReturnsAdminMixin, admin.ModelAdmin):
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
        ("created_by", admin.RelatedOnlyFieldListFilter),
    )
    date_hierarchy = "created_at"
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
            "documents/scan_entry.js",
            "documents/document_form.js",
            "documents/responsive.js",
        )
        css = {"all": ("documents/scan_entry.css", "documents/responsive.css")}

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(line_count=Count("lines"))

    def get_fieldsets(self, request, obj=None):
        if obj is None:
            return self.fieldsets[:1]  # no status before it exists
        hidden = hidden_return_fields(obj)
        if obj.doc_type != DocType.TRANSFER:
            hidden.add("destination_warehouse")
        fieldsets = without_fields(self.fieldsets, hidden)
        if obj.is_draft:
            return fieldsets
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
        """Each ledger row of the document: which line moved what out of or into which quant."""
        rows = [
            (
                m.document_line_id,
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

    @admin.display(description="lines", ordering="line_count")
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
        user = request.user
        may_post = bool(obj and user_can_post(user, obj.doc_type))
        context["can_post"] = may_post and obj.status in (Status.DRAFT, Status.RESERVED)
        context["can_reserve"] = may_post and obj.is_draft and obj.doc_type in RESERVABLE
        context["can_unreserve"] = may_post and obj.status == Status.RESERVED
        context["scan_entry"] = obj is None or (
            obj.is_draft and self.has_change_permission(request, obj)
        )
        context["can_cancel"] = bool(
            obj and obj.status != Status.CANCELLED and user_can_cancel(user)
        )
        return super().render_change_form(request, context, add, change, form_url, obj)

    # --- posting and cancelling ---------------------------------------------------------------

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            # The scan input's endpoint: GET /api/v1/scan/ itself, served under the admin so
            # that staff scanning at full speed do not spend the integrators' per-IP API rate.
            path("scan/", view(ScanView.as_view(schema=None)), name="documents_document_scan"),
            path(
                "in-stock/",
                view(lambda request: in_stock_view(self, request)),
                name="documents_document_in_stock",
            ),
            path(
                "start-count/",
                view(lambda request: start_count_view(self, request)),
                name="documents_document_start_count",
            ),
            path(
                "replenish/",
                view(lambda request: replenish_view(self, request)),
                name="documents_document_replenish",
            ),
            path(
                "<path:object_id>/post/",
                view(self.post_view),
                name="documents_document_post",
            ),
            path(
                "<path:object_id>/cancel/",
                view(self.cancel_view),
                name="documents_document_cancel",
            ),
            path(
                "<path:object_id>/paper/",
                view(self.paper_view),
                name="documents_document_paper",
            ),
            path(
                "<path:object_id>/reserve/",
                view(self.reserve_view),
                name="documents_document_reserve",
            ),
            path(
                "<path:object_id>/unreserve/",
                view(self.unreserve_view),
                name="documents_document_unreserve",
            ),
            *super().get_urls(),
        ]

    def changelist_view(self, request, extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "can_count": user_can_post(request.user, DocType.COUNT),
            "can_replenish": user_can_post(request.user, DocType.RECEIPT),
        }
        return super().changelist_view(request, extra_context)

    def get_actions(self, request):
        actions = super().get_actions(request)
        # Deleting goes one draft at a time from its page; bulk delete would bypass the service.
        actions.pop("delete_selected", None)
        if not user_can_post(request.user, "receipt"):
            for name in ("post_selected", "reserve_selected", "unreserve_selected"):
                actions.pop(name, None)
        if not user_can_cancel(request.user):
            actions.pop("cancel_selected", None)
        return actions

    def _transition(self, request, document_id: int, number: str, service, verb: str) -> None:
        """Run one service on one document and report its outcome as a message."""
        try:
            service(document_id=document_id, user=request.user)
        except (DomainError, PermissionDenied, ValidationError, Document.DoesNotExist) as exc:
            self.message_user(request, f"{number} was not {verb}: {_refusal(exc)}", messages.ERROR)
        else:
            self.message_user(request, f"{number} {verb}.", messages.SUCCESS)

    @admin.action(description="Post selected drafts")
    def post_selected(self, request, queryset):
        for pk, number in queryset.order_by("pk").values_list("pk", "number"):
            self._transition(request, pk, number, document_post, "posted")

    @admin.action(description="Reserve selected drafts")
    def reserve_selected(self, request, queryset):
        for pk, number in queryset.order_by("pk").values_list("pk", "number"):
            self._transition(request, pk, number, document_reserve, "reserved")

    @admin.action(description="Unreserve selected documents")
    def unreserve_selected(self, request, queryset):
        for pk, number in queryset.order_by("pk").values_list("pk", "number"):
            self._transition(request, pk, number, document_unreserve, "unreserved")

    def reserve_view(self, request, object_id):
        return self._transition_view(request, object_id, document_reserve, "reserved")

    def unreserve_view(self, request, object_id):
        return self._transition_view(request, object_id, document_unreserve, "unreserved")

    @admin.action(description="Cancel selected documents (give the reason)")
    def cancel_selected(self, request, queryset):
        reason = request.POST.get("reason", "")
        if not reason.strip():
            self.message_user(request, f"Nothing was cancelled: {REASON_REQUIRED}", messages.ERROR)
            return
        for pk, number in queryset.order_by("pk").values_list("pk", "number"):
            self._transition(request, pk, number, _cancel_with(reason), "cancelled")

    def paper_view(self, request, object_id):
        document = self.get_object(request, unquote(object_id))
        if document is None:
            raise Http404("No such document.")
        if not self.has_view_permission(request, document):
            raise PermissionDenied
        return document_paper(request, document, context=self.admin_site.each_context(request))

    def response_change(self, request, obj):
        """Post pressed on the change form: the form was saved (it was valid), now post it.

        Inside the admin's transaction for the save, so the posting sees exactly what was just
        saved; a posting that is refused leaves the saved draft and says why.
        """
        if "_post" not in request.POST:
            return super().response_change(request, obj)
        self.message_user(request, f"{obj.number} saved.", messages.SUCCESS)
        self._transition(request, obj.pk, obj.number, document_post, "posted")
        return redirect("admin:documents_document_change", obj.pk)

    def post_view(self, request, object_id):
        if request.method == "POST":
            document = self.get_object(request, unquote(object_id))
            if (
                document is not None
                and document.status == Status.RESERVED
                and self.has_view_permission(request, document)
            ):
                picked = post_picked(request, document)  # the shipped quantities typed
                if picked is not None:
                    return picked
        return self._transition_view(request, object_id, document_post, "posted")

    def cancel_view(self, request, object_id):
        reason = request.POST.get("reason", "")
        return self._transition_view(request, object_id, _cancel_with(reason), "cancelled")

    def _transition_view(self, request, object_id, service, verb):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        document = self.get_object(request, unquote(object_id))
        if document is None:
            raise Http404("No such document.")
        if not self.has_view_permission(request, document):
            raise PermissionDenied
        try:
            # The service checks the user's permission too: a forged request is refused (403).
            service(document_id=document.pk, user=request.user)
        except PermissionDenied:
            raise
        except (DomainError, ValidationError, Document.DoesNotExist) as exc:
            self.message_user(
                request, f"{document.number} was not {verb}: {_refusal(exc)}", messages.ERROR
            )
        else:
            self.message_user(request, f"{document.number} {verb}.", messages.SUCCESS)
        return redirect("admin:documents_document_change", document.pk)
