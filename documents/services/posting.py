"""Posting: move a document's stock, all or nothing, and record why a posting failed."""

import logging

from django.core.exceptions import ValidationError
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from documents import metrics, signals
from documents.exceptions import (
    EmptyDocument,
)
from documents.models import (
    DocType,
    Document,
    DocumentLine,
    PostingFailure,
    Status,
)
from documents.services._common import (
    PostingLine,
    _create_numbered,
    _stock_effects,
)
from documents.services.actions import POST, require_state
from documents.services.active import lines_for_posting, lock_for_posting, refuse_inactive
from documents.services.permissions import _require, post_permissions
from documents.services.reservations import _consume
from documents.services.returns import _check_return
from inventory.services import stock_apply, stock_consume

logger = logging.getLogger(__name__)


def document_post(
    *,
    document_id: int,
    user=None,
    shipped: dict[int, int] | None = None,
    picked: dict[tuple[int, int, int | None], int] | None = None,
) -> Document:
    """Move the stock of a draft or a reserved document, all or nothing, and mark it posted.

    A draft takes its stock by the removal strategy. A reserved document moves exactly the
    quants it reserved; ``shipped`` ({line id: quantity}, reserved documents only) ships fewer
    than reserved on a line (a short pick), and whatever a line ordered and did not ship becomes
    a backorder: a new draft of the same type naming this one (``document.backorder``).
    ``picked`` ({(line id, location id, lot id): quantity}) says the same per place picked
    from, so a short pick is taken from the shelf where it was short (the phone's pick flow).

    Raises Document.DoesNotExist, PermissionDenied, DocumentStateError (not a draft or
    reserved), EmptyDocument, ValidationError (bad shipped quantities), InsufficientStock
    (every shortage listed) or StockLimitExceeded. Every failure is counted and recorded as a
    PostingFailure once the posting has rolled back.
    """
    try:
        with transaction.atomic():
            document = lock_for_posting(document_id)
            _require(user, post_permissions(document.doc_type), f"post {document.doc_type}s")
            require_state(
                document,
                POST,
                f"{document.number} is already {document.status}; only drafts and reserved "
                "documents can be posted.",
            )
            if picked is not None:
                shipped = {}
                for (line, *_), n in picked.items():
                    shipped[line] = shipped.get(line, 0) + n
            if shipped is not None and document.status != Status.RESERVED:
                raise ValidationError(
                    {"lines": ["Shipped quantities are given for reserved documents only."]}
                )
            was_reserved = document.status == Status.RESERVED
            # Marked posted before the stock rows are locked, in the statement reading the
            # lines (a refusal below rolls it back with everything else). Not a return: its
            # check counts the posted returns of its shipment.
            now = timezone.now()
            marked = connection.vendor == "postgresql" and document.doc_type != DocType.RETURN
            lines = lines_for_posting(document, posted_at=now if marked else None, user=user)
            if not lines:
                raise EmptyDocument(f"{document.number} has no lines to post.")
            _refuse_shipping_nothing(lines, shipped)
            refuse_inactive(document, lines)
            if document.doc_type == DocType.RETURN:
                _check_return(document, lines)
            if was_reserved:
                consuming, owed = _consume(document, lines, shipped or {})
            else:
                (changes, takes), owed = _stock_effects(document, lines), {}
            document.status, document.posted_at, document.posted_by = Status.POSTED, now, user
            if marked:
                document.updated_at = now
            else:
                document.save(update_fields=["status", "posted_at", "posted_by", "updated_at"])
            if was_reserved:
                reservations, ship, destinations = consuming
                moved = stock_consume(
                    document_id=document.pk,
                    reservations=reservations,
                    ship=ship,
                    destinations=destinations,
                    picked=picked,
                )
            else:
                moved = stock_apply(changes=changes, takes=takes, document_id=document.pk)
                moved = moved.movements
            document.backorder = _create_backorder(document, lines, owed) if owed else None
            document.posted_lines = lines  # as posted: the API answers from them, no re-read
            signals.document_posted.send(
                sender=Document, document=document, was_reserved=was_reserved
            )
    except Exception as exc:
        _record_post_failure(document_id, user, exc)
        raise
    # Counted when the posting is committed: inside a caller's transaction that may still roll
    # back, the counters must not run ahead of the database.
    transaction.on_commit(
        lambda: metrics.document_posted(doc_type=document.doc_type, movements=moved)
    )
    logger.info("Document %s posted (%d lines)", document.number, len(lines))
    return document


def _refuse_shipping_nothing(lines: list[PostingLine], shipped: dict[int, int] | None) -> None:
    if shipped and all(shipped.get(line.id) == 0 for line in lines):
        # It would post a document that moves nothing, announce it, and make a backorder of
        # everything: what unreserving does, honestly named.
        raise ValidationError(
            {
                "lines": [
                    "Nothing would be shipped (0 on every line). Unreserve the document "
                    "instead: its stock becomes available again."
                ]
            }
        )


def _record_post_failure(document_id: int, user, exc: Exception) -> None:
    reason = metrics.failure_reason(exc, not_found=Document.DoesNotExist)
    metrics.POST_FAILURES.labels(reason=reason).inc()
    if reason == "database_unavailable" or transaction.get_connection().needs_rollback:
        return  # nowhere to write it now; the metric and the log have it
    try:
        # A savepoint of its own: if even this fails, a caller's transaction stays usable and
        # the original error is the one that propagates.
        with transaction.atomic():
            document = Document.objects.filter(pk=document_id).only("number", "doc_type").first()
            PostingFailure.objects.create(
                document=document,
                document_number=(document.number or "") if document else "",
                doc_type=document.doc_type if document else "",
                reason=reason,
                message=(getattr(exc, "message", None) or str(exc))[:2000],
                user=user if getattr(user, "pk", None) else None,
            )
    except DatabaseError:
        logger.exception("Could not record the failed posting of document %s", document_id)


def _create_backorder(
    document: Document, lines: list[PostingLine], owed: dict[int, int]
) -> Document:
    """A draft of the same type holding what ``document`` ordered and did not ship."""
    backorder = _create_numbered(
        doc_type=document.doc_type,
        warehouse_id=document.warehouse_id,
        destination_warehouse_id=document.destination_warehouse_id,
        reference=document.reference,
        note=document.note,
        created_by_id=document.created_by_id,
        backorder_of=document,
    )
    DocumentLine.objects.bulk_create(
        DocumentLine(
            document=backorder,
            product_id=line.product_id,
            quantity=owed[line.id],
            location_id=line.location_id,
            destination_location_id=line.destination_location_id,
            lot_id=line.lot_id,
        )
        for line in lines
        if line.id in owed
    )
    transaction.on_commit(lambda: metrics.BACKORDERS.labels(doc_type=document.doc_type).inc())
    logger.info("Backorder %s of %s created", backorder.number, document.number)
    return backorder
