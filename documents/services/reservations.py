"""Reservations: promise stock to a shipment or transfer, give it back, consume it on posting."""

import logging

from django.core.exceptions import ValidationError
from django.db import transaction

from documents import signals
from documents.exceptions import (
    DocumentStateError,
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
from documents.services.permissions import _require, post_permissions
from inventory.exceptions import InsufficientStock
from inventory.models import StockReservation
from inventory.services import StockChange, stock_apply
from wms import metrics

logger = logging.getLogger(__name__)


RESERVABLE = frozenset({DocType.SHIPMENT, DocType.TRANSFER})


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
        if document.doc_type not in RESERVABLE:
            raise DocumentStateError(
                f"{document.number} is a {document.doc_type}; only shipments and transfers are "
                "reserved.",
                status=document.status,
            )
        lines = _lines_to_post(document.pk)
        if not lines:
            raise EmptyDocument(f"{document.number} has no lines to reserve.")
        _, takes = _stock_effects(document, lines, reserve=True, partial=partial)
        document.status = Status.RESERVED
        document.save(update_fields=["status", "updated_at"])
        result = stock_apply(takes=takes, document_id=document.pk)
        if not result.held:
            raise InsufficientStock(
                result.short, message="Nothing is available to reserve for any line."
            )
        StockReservation.objects.bulk_create(
            StockReservation(
                document_id=document.pk, document_line_id=line, quant_id=quant, quantity=n
            )
            for line, quant, n in result.held
        )
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
        if document.status != Status.RESERVED:
            raise DocumentStateError(
                f"{document.number} is {document.status}; only reserved documents can be "
                "unreserved.",
                status=document.status,
            )
        _release(document)
        document.status = Status.DRAFT
        document.save(update_fields=["status", "updated_at"])
        signals.document_unreserved.send(sender=Document, document=document)
    return document


def _reservations(document: Document) -> list[tuple]:
    return list(
        StockReservation.objects.filter(document_id=document.pk)
        .order_by("id")
        .values_list(
            "document_line_id",
            "quant__warehouse_id",
            "quant__location_id",
            "quant__product_id",
            "quant__lot_id",
            "quant__is_serial",
            "quantity",
        )
    )


def _release(document: Document) -> None:
    """Lower the reserved part of every quant the document holds, and forget its rows."""
    changes = [
        StockChange(w, loc, p, lot, 0, line, is_serial=serial, reserved=-n)
        for line, w, loc, p, lot, serial, n in _reservations(document)
    ]
    stock_apply(changes=changes, document_id=document.pk)
    StockReservation.objects.filter(document_id=document.pk).delete()


def _consume_reservations(document: Document, lines: list[PostingLine], shipped: dict[int, int]):
    """What posting a reserved document does: each line ships up to ``shipped`` (default: all
    it reserved) from exactly its reserved quants and releases the rest. Returns the changes
    and {line id: quantity owed} for the backorder."""
    reservations = _reservations(document)
    held: dict[int, int] = {}
    for line, *_, n in reservations:
        held[line] = held.get(line, 0) + n
    ordered = {line.id: line.quantity for line in lines}
    errors = [
        f"Line {pk} is not a line of {document.number}." for pk in shipped if pk not in ordered
    ]
    errors += [
        f"Line {pk}: shipped {q} must be between 0 and its reserved {held.get(pk, 0)}."
        for pk, q in shipped.items()
        if pk in ordered and not 0 <= q <= held.get(pk, 0)
    ]
    if errors:
        raise ValidationError({"lines": errors})
    to_ship = {pk: shipped.get(pk, held.get(pk, 0)) for pk in ordered}
    owed = {pk: ordered[pk] - to_ship[pk] for pk in ordered if ordered[pk] > to_ship[pk]}
    destination, targets = None, {}
    if document.doc_type == DocType.TRANSFER:
        roots = _roots(document, lines)
        destination = document.destination_warehouse_id
        targets = {line.id: line.destination_location_id or roots[destination] for line in lines}
    remaining = dict(to_ship)
    changes = []
    for line, w, loc, p, lot, serial, n in reservations:
        ship = min(remaining[line], n)
        remaining[line] -= ship
        changes.append(StockChange(w, loc, p, lot, -ship, line, is_serial=serial, reserved=-n))
        if destination is not None and ship:
            changes.append(
                StockChange(destination, targets[line], p, lot, ship, line, is_serial=serial)
            )
    return changes, owed
