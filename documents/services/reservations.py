"""Reservations: promise stock to a shipment or transfer, give it back, consume it on posting."""

import logging

from django.core.exceptions import ValidationError
from django.db import transaction

from documents import metrics, signals
from documents.exceptions import (
    EmptyDocument,
)
from documents.models import (
    DocType,
    Document,
    Status,
)
from documents.services._common import (
    PostingLine,
    _lines_to_post,
    _lock,
    _lock_draft,
    _roots,
    _stock_effects,
)
from documents.services.actions import RESERVE, UNRESERVE, require_state
from documents.services.permissions import _require, post_permissions
from inventory.services import (
    reserved_per_line,
    stock_check_shipped,
    stock_release,
    stock_reservations,
    stock_reserve,
)

logger = logging.getLogger(__name__)


def document_reserve(*, document_id: int, user=None, partial: bool = False) -> Document:
    """Promise stock to a draft shipment or transfer: ``draft -> reserved``.

    The quants are chosen by the removal strategy among what is available (quantity less what
    others reserved) and their ``reserved`` rises at every level, under the same locks as a
    posting. All or nothing unless ``partial``: then what there is is reserved, and
    ``document.short`` lists what was not. Raises InsufficientStock (nothing reserved at all,
    or any shortage without ``partial``), DocumentStateError, PermissionDenied.
    """
    with transaction.atomic():
        document = _lock_draft(document_id, "reserved")
        _require(user, post_permissions(document.doc_type), f"reserve {document.doc_type}s")
        require_state(
            document,
            RESERVE,
            f"{document.number} is a {document.doc_type}; only shipments and transfers are "
            "reserved.",
        )
        lines = _lines_to_post(document.pk)
        if not lines:
            raise EmptyDocument(f"{document.number} has no lines to reserve.")
        _, takes = _stock_effects(document, lines, reserve=True, partial=partial)
        document.status = Status.RESERVED
        document.save(update_fields=["status", "updated_at"])
        result = stock_reserve(document_id=document.pk, takes=takes)
        document.short = result.short
        signals.document_reserved.send(sender=Document, document=document)
    transaction.on_commit(
        lambda: metrics.DOCUMENTS_RESERVED.labels(doc_type=document.doc_type).inc()
    )
    logger.info("Document %s reserved (%d quants)", document.number, len(result.held))
    return document


def document_unreserve(*, document_id: int, user=None) -> Document:
    """Give a reserved document's stock back: ``reserved -> draft``."""
    with transaction.atomic():
        document = _lock(document_id)
        _require(user, post_permissions(document.doc_type), f"unreserve {document.doc_type}s")
        require_state(
            document,
            UNRESERVE,
            f"{document.number} is {document.status}; only reserved documents can be unreserved.",
        )
        stock_release(document_id=document.pk)
        document.status = Status.DRAFT
        document.save(update_fields=["status", "updated_at"])
        signals.document_unreserved.send(sender=Document, document=document)
    return document


def _consume(document: Document, lines: list[PostingLine], shipped: dict[int, int]) -> tuple:
    """Check ``shipped`` against the document's lines and reservations. Returns what to hand to
    ``stock_consume`` (its reservations, {line id: quantity to ship}, destinations of a
    transfer) and {line id: quantity owed} for the backorder."""
    reservations = stock_reservations(document_id=document.pk)
    held = reserved_per_line(reservations)
    ordered = {line.id: line.quantity for line in lines}
    errors = [
        f"Line {pk} is not a line of {document.number}." for pk in shipped if pk not in ordered
    ]
    errors += stock_check_shipped(
        reservations, {pk: q for pk, q in shipped.items() if pk in ordered}
    )
    if errors:
        raise ValidationError({"lines": errors})
    to_ship = {pk: shipped.get(pk, held.get(pk, 0)) for pk in ordered}
    owed = {pk: ordered[pk] - to_ship[pk] for pk in ordered if ordered[pk] > to_ship[pk]}
    destinations = None
    if document.doc_type == DocType.TRANSFER:
        roots = _roots(document, lines)
        to = document.destination_warehouse_id
        destinations = {line.id: (to, line.destination_location_id or roots[to]) for line in lines}
    return (reservations, to_ship, destinations), owed
