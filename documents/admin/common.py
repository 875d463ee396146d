"""Shared by the document screens: status colours, user names, how a refusal reads."""

from django.core.exceptions import ValidationError

from documents.models import Document, Status
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


def _user_name(user) -> str:
    return (user.get_full_name() or user.get_username()) if user is not None else "-"


def _without_related_links(formfield):
    """No add/edit/delete links beside a picked warehouse or product: a document is not the
    place to change them (viewing stays)."""
    wrapper = getattr(formfield, "widget", None)
    if wrapper is not None and hasattr(wrapper, "can_add_related"):
        wrapper.can_add_related = wrapper.can_change_related = wrapper.can_delete_related = False
    return formfield


def unset_status_fields(document) -> set[str]:
    """The Status fields that would only say "-" for ``document``: what happens to it later
    (posted, cancelled, its backorders and returns) and what it does not come from."""
    unset = set()
    if not document.backorder_of_id:
        unset.add("backorder_of")
    if document.posted_at is None:
        unset |= {"posted_by_name", "posted_at", "backorders", "returns"}
    if document.cancelled_at is None:
        unset |= {"cancelled_by_name", "cancelled_at", "cancel_reason"}
    return unset
