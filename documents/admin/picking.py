"""Picking in the admin: the reserved documents waiting with their age, pick lists made from
selected documents (the same service as the API) and printed as the walk through the
warehouse, and the quantities actually shipped entered per line when a reserved document is
posted."""

import re
from datetime import timedelta
from urllib.parse import urlencode

from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join

from documents.admin.pick_phone import PickPhoneMixin
from documents.models import Document, PickList, Status
from documents.selectors import (
    lines_with_reserved,
    pick_task_documents,
    pick_tasks_in_packs,
    reserved_since,
)
from documents.services import document_post, pick_list_create, user_can_post
from inventory.barcodes import barcode_svg
from inventory.models import Unit
from warehouses.models import join_path
from wms.admin_mixins import ReadOnlyAdminMixin, change_link
from wms.exceptions import DomainError
from wms.validators import row_id

PICK_PERMISSION = "documents.add_picklist"
RESERVED_FILTER = ("status__exact", Status.RESERVED)
UNITS = dict(Unit.choices)


def age(delta: timedelta) -> str:
    """How long something has waited, as a floor lead reads it: 40 min, 3 h, 2 d."""
    minutes = max(int(delta.total_seconds() // 60), 0)
    if minutes < 60:
        return f"{minutes} min"
    if minutes < 48 * 60:
        return f"{minutes // 60} h"
    return f"{minutes // (24 * 60)} d"


def _reason(exc: Exception) -> str:
    return exc.message if isinstance(exc, DomainError) else " ".join(exc.messages)


def _pick_list_from(request, document_ids):
    """Make the pick list and show its paper, or say why not (nothing is made then)."""
    if not request.user.has_perm(PICK_PERMISSION):
        raise PermissionDenied
    try:
        pick_list = pick_list_create(document_ids=document_ids, user=request.user)
    except (DomainError, ValidationError) as exc:
        messages.error(request, f"No pick list was made: {_reason(exc)}")
        return None
    return redirect("admin:documents_picklist_print", pick_list.pk)


class PickingMixin:
    """For the documents' admin: with the list filtered to reserved documents (the
    dashboard's link), each row's age since it was reserved, oldest first, and a button that
    makes its pick list; the "Create pick list" action for a wave of selected documents."""

    def _waiting_list(self, request) -> bool:
        name, value = RESERVED_FILTER
        return request.GET.get(name) == value

    def get_queryset(self, request):
        documents = super().get_queryset(request)
        if self._waiting_list(request):
            documents = documents.annotate(reserved_since=reserved_since())
        return documents

    def get_ordering(self, request):
        # The expression, not the annotation's name: the admin orders before it annotates.
        if self._waiting_list(request):
            return (reserved_since().asc(),)
        return super().get_ordering(request)

    def get_list_display(self, request):
        columns = list(super().get_list_display(request))
        if self._waiting_list(request):
            columns.insert(columns.index("status_badge") + 1, "waiting")
            if request.user.has_perm(PICK_PERMISSION):
                columns.append("pick_button")
        return columns

    @admin.display(description="waiting", ordering="reserved_since")
    def waiting(self, document):
        since = document.reserved_since
        return age(timezone.now() - since) if since else "—"

    @admin.display(description="pick")
    def pick_button(self, document):
        # Inside the changelist's own form (one form per page; forms do not nest).
        return format_html(
            '<button type="submit" form="changelist-form" formaction="{}" name="documents" '
            'value="{}" class="button pick-one">Pick list</button>',
            reverse("admin:documents_picklist_make"),
            document.pk,
        )

    def has_pick_permission(self, request):
        return request.user.has_perm(PICK_PERMISSION)

    @admin.action(
        description="Create pick list for selected reserved documents", permissions=["pick"]
    )
    def create_pick_list(self, request, queryset):
        chosen = list(queryset.order_by("pk").values_list("pk", flat=True))
        # The list's filter (reserved only, on the waiting list) drops a selected id it does
        # not show before the action sees it: say so rather than make a smaller list silently.
        sent = {value for value in request.POST.getlist(ACTION_CHECKBOX_NAME)}
        dropped = sorted(sent - {str(pk) for pk in chosen}, key=lambda v: (len(v), v))
        if dropped:
            messages.error(
                request,
                "No pick list was made: the selection holds documents this list does not show "
                f"(not reserved, or not there): id {', '.join(dropped)}.",
            )
            return None
        return _pick_list_from(request, chosen)


# --- the pick lists -------------------------------------------------------------------------


@admin.register(PickList)
class PickListAdmin(PickPhoneMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    """Pick lists as made; each one's paper is its "Print" link."""

    list_display = (
        "name",
        "document_links",
        "created_by_name",
        "created_at",
        "print_link",
        "phone_link",
    )
    list_display_links = ("name",)
    list_select_related = ("created_by",)
    fields = ("document_links", "created_by_name", "created_at", "print_link")
    readonly_fields = fields

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .prefetch_related(
                Prefetch("documents", queryset=Document.objects.only("number").order_by("pk"))
            )
        )

    @admin.display(description="pick list", ordering="pk")
    def name(self, pick_list):
        return pick_list.number

    @admin.display(description="documents")
    def document_links(self, pick_list):
        return format_html_join(
            ", ",
            "{}",
            (
                (change_link("documents_document", d.pk, d.number),)
                for d in pick_list.documents.all()
            ),
        )

    @admin.display(description="created by")
    def created_by_name(self, pick_list):
        user = pick_list.created_by
        return (user.get_full_name() or user.get_username()) if user else "-"

    @admin.display(description="paper")
    def print_link(self, pick_list):
        return format_html(
            '<a href="{}" class="print-pick-list" target="_blank">Print</a>',
            reverse("admin:documents_picklist_print", args=[pick_list.pk]),
        )

    @admin.display(description="phone")
    def phone_link(self, pick_list):
        return format_html(
            '<a href="{}" class="pick-on-phone">Pick on a phone</a>',
            reverse("admin:documents_picklist_phone", args=[pick_list.pk]),
        )

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("make/", view(self.make_view), name="documents_picklist_make"),
            path(
                "<int:pick_list_id>/print/", view(self.print_view), name="documents_picklist_print"
            ),
            *self.phone_urls(),
            *super().get_urls(),
        ]

    def make_view(self, request):
        """The reserved list's per-row button: a pick list for that one document."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        sent = request.POST.getlist("documents")
        ids = [row_id(v) for v in sent]
        name, value = RESERVED_FILTER
        back = reverse("admin:documents_document_changelist") + f"?{name}={value}"
        if None in ids:
            forged = ", ".join(repr(v) for v, pk in zip(sent, ids, strict=True) if pk is None)
            messages.error(request, f"No pick list was made: {forged} is not a document's id.")
            return redirect(back)
        return _pick_list_from(request, ids) or redirect(back)

    def print_view(self, request, pick_list_id):
        # Permission first: without it an existing id and a missing one are the same 403.
        if not self.has_view_permission(request):
            raise PermissionDenied
        pick_list = self.get_queryset(request).filter(pk=pick_list_id).first()
        if pick_list is None:
            raise Http404("No such pick list.")
        if not self.has_view_permission(request, pick_list):
            raise PermissionDenied
        served = pick_task_documents(pick_list_id=pick_list.pk)
        tasks = []
        for task in pick_tasks_in_packs(pick_list_id=pick_list.pk):
            place = join_path(
                task["quant__location__warehouse__code"], task["quant__location__path"]
            )
            key = (task["quant__location_id"], task["quant__product_id"], task["quant__lot_id"])
            lot = task["quant__lot__code"]
            tasks.append(
                {
                    "location": place,
                    "location_code": barcode_svg(task["quant__location__barcode"] or place),
                    "sku": task["quant__product__sku"],
                    "name": task["quant__product__name"],
                    "product_code": barcode_svg(
                        task["quant__product__barcode"] or task["quant__product__sku"]
                    ),
                    "lot": lot,
                    "lot_code": barcode_svg(lot) if lot else None,
                    "expires_on": task["quant__lot__expires_on"],
                    "quantity": task["quantity"],
                    "packs": task["packs"],
                    "unit": UNITS.get(task["quant__product__unit"], task["quant__product__unit"]),
                    "documents": served.get(key, []),
                }
            )
        documents = list(pick_list.documents.all().only("number", "status", "reference"))
        return TemplateResponse(
            request,
            "admin/documents/picklist/print.html",
            {
                **self.admin_site.each_context(request),
                "title": f"Pick list {pick_list.number}",
                "pick_list": pick_list,
                "number_code": barcode_svg(pick_list.number),
                "tasks": tasks,
                "documents": documents,
                "done": [d for d in documents if d.status != Status.RESERVED],
            },
        )


# --- posting what was picked ----------------------------------------------------------------

SHIPPED_FIELD = "shipped-{}"
_SHIPPED_NAME = re.compile(r"shipped-([0-9]{1,19})")


def shipped_problem(text: str, reserved: int) -> str | None:
    """What is wrong with a shipped quantity typed on the form (documents_post checks the
    same bound again under the document's lock)."""
    if not re.fullmatch(r"-?\d{1,18}", text.strip()):
        return "enter a whole number."
    shipped = int(text)
    if shipped < 0:
        return "a shipped quantity cannot be negative."
    if shipped > reserved:
        return f"more than the {reserved} reserved."
    return None


def shipped_input(line, typed: dict[str, str]) -> str:
    """A reserved line's "shipped" input, for the Post form above the page: what was typed
    (sent back after a refusal) or, at first, all that the line holds."""
    name = SHIPPED_FIELD.format(line.pk)
    value = typed.get(name, str(line.reserved))
    problem = shipped_problem(value, line.reserved) if name in typed else None
    return format_html(
        '<input type="number" name="{}" value="{}" min="0" max="{}" form="post-document-form" '
        'class="vIntegerField shipped-input{}" aria-label="shipped of line {}">{}',
        name,
        value,
        line.reserved,
        " errors" if problem else "",
        line.pk,
        format_html('<ul class="errorlist"><li>{}</li></ul>', problem) if problem else "",
    )


def post_picked(request, document):
    """Post a reserved document with the shipped quantities of its Post form and say what
    became of it; None when the form carries none (the document is posted as it is)."""
    typed = {
        int(m.group(1)): value
        for key, value in request.POST.items()
        if (m := _SHIPPED_NAME.fullmatch(key))
    }
    # A "shipped-" field that names no line id at all is a forged form: refused like a
    # stranger's line below, never taken for "no quantities typed" and posted in full.
    garbled = [
        k for k in request.POST if k.startswith("shipped-") and not _SHIPPED_NAME.fullmatch(k)
    ]
    if not typed and not garbled:
        return None
    if not user_can_post(request.user, document.doc_type):
        raise PermissionDenied
    back = reverse("admin:documents_document_change", args=[document.pk])
    lines = lines_with_reserved(document.lines.order_by("pk")).values_list(
        "pk", "reserved", "product__sku"
    )
    problems = [
        f"line {n} ({sku}): {problem}"
        for n, (pk, reserved, sku) in enumerate(lines, start=1)
        if pk in typed and (problem := shipped_problem(typed[pk], reserved))
    ]
    # A field naming no line of this document (a stale or forged form) is said, not posted.
    strangers = sorted(set(typed) - {pk for pk, _, _ in lines})
    problems += [
        f"the form names line id {pk}, which is not on {document.number}" for pk in strangers
    ]
    problems += [f"the form has a field {name!r}, which names no line" for name in garbled]
    for pk in strangers:
        del typed[pk]
    if problems:
        messages.error(request, f"{document.number} was not posted: {'; '.join(problems)}")
        query = urlencode({SHIPPED_FIELD.format(pk): text for pk, text in typed.items()})
        return redirect(f"{back}?{query}")
    try:
        posted = document_post(
            document_id=document.pk,
            user=request.user,
            shipped={pk: int(text) for pk, text in typed.items()},
        )
    except PermissionDenied:
        raise
    except (DomainError, ValidationError, Document.DoesNotExist) as exc:
        messages.error(request, f"{document.number} was not posted: {_reason(exc)}")
        return redirect(back)
    if posted.backorder is None:
        messages.success(request, f"{document.number} posted.")
    else:
        backorder = posted.backorder
        messages.success(
            request,
            format_html(
                "{} posted; backorder {} holds what was not shipped.",
                document.number,
                change_link("documents_document", backorder.pk, backorder.number),
            ),
        )
    return redirect(back)
