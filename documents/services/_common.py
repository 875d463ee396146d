"""Shared by the actions: locking a document, loading its lines and what they do to stock."""

from typing import NamedTuple

from django.db import connection

from documents.models import (
    NUMBER_PREFIX,
    DocType,
    Document,
    numbered,
)
from documents.services.actions import EDIT, require_state
from inventory.services import StockChange, StockTake
from warehouses.models import Location


def _create_numbered(**fields) -> Document:
    """Insert a document and give it its number from its id, in the caller's transaction (so
    it is never committed without one)."""
    document = Document.objects.create(**fields)
    document.number = numbered(NUMBER_PREFIX[document.doc_type], document.pk)
    Document.objects.filter(pk=document.pk).update(number=document.number)
    return document


def _lock(document_id: int) -> Document:
    return Document.objects.select_for_update().get(pk=document_id)


def _lock_draft(document_id: int, verb: str) -> Document:
    document = _lock(document_id)
    require_state(
        document,
        EDIT,
        f"{document.number} is {document.status}; only drafts can be {verb}.",
    )
    return document


class PostingLine(NamedTuple):
    """A document line as posting reads it (one row of _LINES_TO_POST, in its column order;
    posting itself reads the rest too: documents.services.active)."""

    id: int
    product_id: int
    quantity: int
    location_id: int | None
    path: str | None  # the line's location's path
    destination_location_id: int | None
    lot_id: int | None
    is_serial: bool | None  # the lot's
    # The product's, and how the line was entered: what the answer to a posting shows.
    sku: str = ""
    product_active: bool = True
    decimals: int = 0
    packaging_id: int | None = None
    packaging_code: str | None = None
    packaging_quantity: int | None = None
    loose_quantity: int | None = None


# Plain SQL on the posting path: the same on both databases, without the ORM's compiling.
_LINES_TO_POST = """
    SELECT l.id, l.product_id, l.quantity, l.location_id, loc.path, l.destination_location_id,
           l.lot_id, lot.is_serial
    FROM document_lines l
    LEFT JOIN locations loc ON loc.id = l.location_id
    LEFT JOIN lots lot ON lot.id = l.lot_id
    WHERE l.document_id = %s
    ORDER BY l.id
"""


def _lines_to_post(document_id: int) -> list[PostingLine]:
    with connection.cursor() as cursor:
        cursor.execute(_LINES_TO_POST, [document_id])
        return [PostingLine(*row) for row in cursor.fetchall()]


def _stock_effects(
    document: Document, lines: list[PostingLine], *, reserve: bool = False, partial: bool = False
) -> tuple[list[StockChange], list[StockTake]]:
    """What posting the lines does: exact quant changes (receipts, adjustments, counts) or
    takes by the removal strategy (shipments, transfers)."""
    source, destination = document.warehouse_id, document.destination_warehouse_id
    kind = document.doc_type
    roots = _roots(document, lines) if kind != DocType.SHIPMENT and not reserve else {}
    changes, takes = [], []
    for line in lines:
        if kind in (DocType.SHIPMENT, DocType.TRANSFER):
            moving = kind == DocType.TRANSFER
            takes.append(
                StockTake(
                    warehouse_id=source,
                    product_id=line.product_id,
                    quantity=line.quantity,
                    document_line_id=line.id,
                    lot_id=line.lot_id,
                    within=(line.location_id, line.path) if line.location_id else None,
                    to_warehouse_id=destination if moving and not reserve else None,
                    to_location_id=(line.destination_location_id or roots[destination])
                    if moving and not reserve
                    else None,
                    reserve=reserve,
                    partial=partial,
                )
            )
            continue
        changes.append(
            StockChange(
                warehouse_id=source,
                location_id=line.location_id or roots[source],
                product_id=line.product_id,
                lot_id=line.lot_id,
                quantity=line.quantity,
                document_line_id=line.id,
                set_to=kind == DocType.COUNT,
                is_serial=bool(line.is_serial),
            )
        )
    return changes, takes


def _roots(document: Document, lines: list[PostingLine]) -> dict[int, int]:
    """The default locations, read only when a line leaves its location to them."""
    if document.doc_type != DocType.TRANSFER and all(line.location_id for line in lines):
        return {}
    return dict(
        Location.objects.filter(
            warehouse_id__in={document.warehouse_id, document.destination_warehouse_id} - {None},
            parent__isnull=True,
        ).values_list("warehouse_id", "pk")
    )
