"""Who may post, reserve and cancel which documents."""

from django.core.exceptions import PermissionDenied

from documents.models import (
    DocType,
)

STOCK_CORRECTIONS = frozenset({DocType.ADJUSTMENT, DocType.COUNT})


def post_permissions(doc_type: str) -> tuple[str, ...]:
    """Permissions needed to post a document of this type."""
    if doc_type in STOCK_CORRECTIONS:
        return ("documents.post_document", "documents.post_stock_correction")
    if doc_type == DocType.RETURN:
        return ("documents.post_document", "documents.post_return")
    return ("documents.post_document",)


CANCEL_PERMISSIONS = ("documents.cancel_document",)


def user_can_post(user, doc_type: str) -> bool:
    return user.has_perms(post_permissions(doc_type))


def user_can_cancel(user) -> bool:
    return user.has_perms(CANCEL_PERMISSIONS)


def _require(user, perms: tuple[str, ...], action: str) -> None:
    # user=None is the system itself (management commands, data loads).
    if user is not None and not user.has_perms(perms):
        raise PermissionDenied(f"You do not have permission to {action}.")
