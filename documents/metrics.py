"""The documents' Prometheus counters (wms.metrics has the platform's and the helpers).

Every series exists from start-up at 0 (``start_at_zero``), so alerts and rates see "none yet"
rather than "no data". The posting-failure reasons are derived from the codes of the domain
errors, so a new error is counted from the start without a list to keep by hand.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import OperationalError
from prometheus_client import Counter

from wms.exceptions import DomainError
from wms.metrics import start_at_zero

DOCUMENTS_POSTED = Counter(
    "wms_documents_posted", "Documents posted (committed), by type.", ["doc_type"]
)
POST_FAILURES = Counter(
    "wms_document_post_failures",
    "Attempts to post a document that were refused or failed, by reason.",
    ["reason"],
)
DOCUMENTS_CANCELLED = Counter(
    "wms_documents_cancelled", "Documents cancelled (committed), by type.", ["doc_type"]
)
DOCUMENTS_RESERVED = Counter(
    "wms_documents_reserved", "Documents reserved (committed), by type.", ["doc_type"]
)
BACKORDERS = Counter(
    "wms_backorders", "Backorders created by short picks (committed), by type.", ["doc_type"]
)
STOCK_MOVEMENTS = Counter(
    "wms_stock_movements", "Ledger movements written by postings and cancellations (committed)."
)

# The failures that are not the document's fault, by the exception that says so; anything
# else that is no domain error is "error". ``not_found`` is Document.DoesNotExist.
OTHER_FAILURES = (
    (PermissionDenied, "permission_denied"),
    (ValidationError, "invalid"),
    (OperationalError, "database_unavailable"),
)
NOT_FOUND, UNKNOWN = "not_found", "error"


def _domain_codes() -> set[str]:
    """The code of every domain error the business apps define (a posting may raise most)."""
    codes, pending = set(), list(DomainError.__subclasses__())
    while pending:
        error = pending.pop()
        pending += error.__subclasses__()
        if error.__module__ in ("documents.exceptions", "inventory.exceptions"):
            codes.add(error.code)
    return codes


def post_failure_reasons() -> list[str]:
    return sorted(_domain_codes() | {r for _, r in OTHER_FAILURES} | {NOT_FOUND, UNKNOWN})


def failure_reason(exc: Exception, *, not_found: type[Exception]) -> str:
    """The reason recorded for a failed posting: a domain error's code, or its kind."""
    if isinstance(exc, DomainError):
        return exc.code
    if isinstance(exc, not_found):
        return NOT_FOUND
    return next((r for kind, r in OTHER_FAILURES if isinstance(exc, kind)), UNKNOWN)


def start(doc_types, reservable) -> None:
    """Every series at 0 (called once, by the app's ready)."""
    start_at_zero(DOCUMENTS_POSTED, "doc_type", doc_types)
    start_at_zero(DOCUMENTS_CANCELLED, "doc_type", doc_types)
    start_at_zero(POST_FAILURES, "reason", post_failure_reasons())
    start_at_zero(DOCUMENTS_RESERVED, "doc_type", sorted(reservable))
    start_at_zero(BACKORDERS, "doc_type", sorted(reservable))


def document_posted(*, doc_type: str, movements: int) -> None:
    DOCUMENTS_POSTED.labels(doc_type=doc_type).inc()
    STOCK_MOVEMENTS.inc(movements)


def document_cancelled(*, doc_type: str, movements: int) -> None:
    DOCUMENTS_CANCELLED.labels(doc_type=doc_type).inc()
    STOCK_MOVEMENTS.inc(movements)
