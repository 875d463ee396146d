"""Which actions a document offers: the one answer the admin's buttons and the services' state
errors share. A state allows an action; a user may or may not be allowed to take it."""

from documents.exceptions import DocumentStateError
from documents.models import DocType, Document, Status
from documents.services.permissions import user_can_cancel, user_can_post

POST, RESERVE, UNRESERVE, CANCEL, EDIT, RETURN = (
    "post",
    "reserve",
    "unreserve",
    "cancel",
    "edit",
    "return",
)

RESERVABLE = frozenset({DocType.SHIPMENT, DocType.TRANSFER})

# The statuses each action starts from.
_FROM = {
    POST: {Status.DRAFT, Status.RESERVED},
    RESERVE: {Status.DRAFT},
    UNRESERVE: {Status.RESERVED},
    CANCEL: {Status.DRAFT, Status.RESERVED, Status.POSTED},
    EDIT: {Status.DRAFT},  # edit lines and fields, delete
    RETURN: {Status.POSTED},  # make a return of it
}
# The types an action is for, when not every type.
_ONLY = {RESERVE: RESERVABLE, RETURN: frozenset({DocType.SHIPMENT})}


def state_allows(document: Document, action: str) -> bool:
    """Whether the document's status and type allow ``action``, whoever asks."""
    return document.status in _FROM[action] and document.doc_type in _ONLY.get(
        action, DocType.values
    )


def _user_may(user, document: Document, action: str) -> bool:
    if action in (POST, RESERVE, UNRESERVE):
        return user_can_post(user, document.doc_type)
    if action == CANCEL:
        return user_can_cancel(user)
    if action == RETURN:
        # Drafting a return is a clerk's job at the dock; posting it stays a manager's.
        return user.has_perm("documents.add_document")
    return True  # editing: the model permissions of whoever edits


def document_actions(document: Document, user) -> frozenset[str]:
    """The actions ``user`` may take on ``document`` now."""
    return frozenset(
        action
        for action in _FROM
        if state_allows(document, action) and _user_may(user, document, action)
    )


def require_state(document: Document, action: str, refusal: str) -> None:
    """Raise DocumentStateError with ``refusal`` (the caller's words for its action) unless the
    document's state allows ``action``."""
    if not state_allows(document, action):
        raise DocumentStateError(refusal, status=document.status)
