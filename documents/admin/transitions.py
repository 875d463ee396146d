"""Posting, reserving and cancelling from the document screens: the buttons, the bulk actions
and their URLs. Every transition is a call to documents.services."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ActionForm
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import redirect
from django.urls import path

from documents.admin.common import _refusal
from documents.admin.picking import post_picked
from documents.admin.tools import in_stock_view, replenish_view, start_count_view
from documents.models import CANCEL_REASON_MAX, DocType, Document, Status
from documents.papers import document_paper
from documents.services import (
    document_cancel,
    document_post,
    document_reserve,
    document_unreserve,
    user_can_cancel,
    user_can_post,
)
from inventory.api import ScanView
from wms.exceptions import DomainError

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


class DocumentTransitionsMixin:
    """The document screen's transitions: post, reserve, unreserve, cancel, the paper, and the
    URLs of its tools (scan, in stock, start a count, replenish)."""

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
        response = super().changelist_view(request, extra_context)
        form = getattr(response, "context_data", {}).get("action_form")
        if form is not None and not user_can_cancel(request.user):
            # The reason box is for cancelling only: not offered to who cannot cancel.
            form.fields.pop("reason", None)
        return response

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
