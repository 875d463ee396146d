"""Returns in the back office: "Create return" on a posted shipment drafts a return of what can
still come back; a return shows its shipment, a shipment lists its returns. Drafts are written by
documents.services, as everywhere."""

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import redirect
from django.urls import path
from django.utils.html import format_html_join

from documents.models import DocType, Document
from documents.services import document_actions, return_create
from wms.admin_mixins import change_link
from wms.exceptions import DomainError


def hidden_return_fields(document: Document) -> set[str]:
    """The returns' fields that say nothing about ``document``: its origin unless it is a
    return, its returns unless it is a shipment."""
    hidden = set()
    if document.doc_type != DocType.RETURN:
        hidden.add("origin")
    if document.doc_type != DocType.SHIPMENT:
        hidden.add("returns")
    return hidden


def without_fields(fieldsets, hidden: set[str]):
    """``fieldsets`` less the ``hidden`` fields (rows of several fields included)."""
    kept = []
    for name, options in fieldsets:
        rows = []
        for row in options["fields"]:
            if isinstance(row, tuple | list):
                row = tuple(f for f in row if f not in hidden)
                if row:
                    rows.append(row)
            elif row not in hidden:
                rows.append(row)
        kept.append((name, {**options, "fields": tuple(rows)}))
    return tuple(kept)


class ReturnsAdminMixin:
    """For DocumentAdmin: the create-return view, its button and the returns of a shipment."""

    def get_urls(self):
        return [
            path(
                "<path:object_id>/create-return/",
                self.admin_site.admin_view(self.create_return_view),
                name="documents_document_create_return",
            ),
            *super().get_urls(),
        ]

    def user_can_create_return(self, request) -> bool:
        # Clerks draft returns at the dock (the README says so); a manager posts them.
        return self.has_add_permission(request)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        context["can_create_return"] = bool(
            obj
            and "return" in document_actions(obj, request.user)
            and self.has_add_permission(request)
        )
        return super().render_change_form(request, context, add, change, form_url, obj)

    @admin.display(description="returns")
    def returns(self, document):
        links = [
            (change_link("documents_document", pk, number), status)
            for pk, number, status in document.returns.order_by("pk").values_list(
                "pk", "number", "status"
            )
        ]
        return format_html_join(", ", "{} ({})", links) if links else "—"

    def create_return_view(self, request, object_id):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        shipment = self.get_object(request, unquote(object_id))
        if shipment is None:
            raise Http404("No such document.")
        if not self.user_can_create_return(request):
            raise PermissionDenied
        try:
            draft = return_create(shipment_id=shipment.pk, created_by=request.user)
        except (DomainError, ValidationError, Document.DoesNotExist) as exc:
            reason = " ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
            self.message_user(
                request, f"No return of {shipment.number} was made: {reason}", messages.ERROR
            )
            return redirect("admin:documents_document_change", shipment.pk)
        self.message_user(
            request,
            f"{draft.number}: a draft return of what can still come back of {shipment.number}. "
            "Set what came back and where it goes, then post it.",
            messages.SUCCESS,
        )
        return redirect("admin:documents_document_change", draft.pk)
