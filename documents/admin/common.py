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
