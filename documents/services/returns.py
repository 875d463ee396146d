"""Returns: made from a posted shipment and bounded by what it shipped."""

from django.core.exceptions import ValidationError

from documents.exceptions import (
    EmptyDocument,
    OriginNotPosted,
    ReturnExceedsShipped,
    ShipmentHasReturns,
)
from documents.models import (
    MAX_LINES,
    DocType,
    Document,
    Status,
)
from documents.selectors import Returnable, shipment_returnable
from documents.services._common import PostingLine
from documents.services.actions import RETURN, require_state
from documents.services.drafts import document_create
from documents.services.lines import LineInput
from inventory.models import Lot, Product
from warehouses.models import Location


def returnable_lines(*, document_id: int) -> list[Returnable]:
    """What can still come back of a posted shipment, per (product, lot). Raises
    Document.DoesNotExist, DocumentStateError (not a posted shipment)."""
    document = Document.objects.only("number", "doc_type", "status").get(pk=document_id)
    require_state(
        document,
        RETURN,
        f"{document.number} is a {document.status} {document.doc_type}; only posted "
        "shipments are returned.",
    )
    return shipment_returnable(shipment_id=document.pk)


def return_create(*, shipment_id: int, created_by=None) -> Document:
    """A draft return of everything that can still come back of a posted shipment, per
    (product, lot), to the warehouse's default location. Raises Document.DoesNotExist,
    DocumentStateError (not a posted shipment), EmptyDocument (nothing left to return)."""
    shipment = Document.objects.only("number", "warehouse_id", "reference").get(pk=shipment_id)
    left = [r for r in returnable_lines(document_id=shipment.pk) if r.returnable > 0]
    if not left:
        raise EmptyDocument(f"Everything {shipment.number} shipped has come back already.")
    if len(left) > MAX_LINES:
        raise ValidationError(
            {
                "lines": [
                    f"{shipment.number} has {len(left):,} products and lots left to return, "
                    f"more than the {MAX_LINES:,} lines a document holds: draft returns of "
                    "parts of it through the API instead."
                ]
            }
        )
    root = Location.objects.get(warehouse_id=shipment.warehouse_id, parent__isnull=True).pk
    return document_create(
        doc_type=DocType.RETURN,
        warehouse_id=shipment.warehouse_id,
        origin_id=shipment.pk,
        reference=shipment.reference,
        lines=[LineInput(r.product_id, r.returnable, location_id=root, lot=r.lot) for r in left],
        created_by=created_by,
    )


def _check_return(document: Document, lines: list[PostingLine]) -> None:
    """Under the shipment's lock: its still posted, and no (product, lot) comes back beyond
    what is returnable. Raises OriginNotPosted, ReturnExceedsShipped."""
    origin = (
        Document.objects.select_for_update().only("number", "status").get(pk=document.origin_id)
    )
    if origin.status != Status.POSTED:
        raise OriginNotPosted(
            f"{origin.number} is {origin.status}; {document.number} cannot bring its goods back.",
            origin=origin.pk,
            status=origin.status,
        )
    bound = {(r.product_id, r.lot_id): r for r in shipment_returnable(shipment_id=origin.pk)}
    asked: dict[tuple[int, int | None], int] = {}
    for line in lines:
        key = (line.product_id, line.lot_id)
        asked[key] = asked.get(key, 0) + line.quantity
    over = [(key, n) for key, n in asked.items() if n > getattr(bound.get(key), "returnable", 0)]
    if not over:
        return
    # SKUs and codes from what was shipped; a line of something never shipped (its draft was
    # checked, so only ever after a cancellation) is looked up.
    names = {r.product_id: r.sku for r in bound.values()}
    lot_codes = {r.lot_id: r.lot for r in bound.values()}
    names.update(
        Product.objects.filter(pk__in={p for (p, _), _ in over} - names.keys()).values_list(
            "pk", "sku"
        )
    )
    lot_codes.update(
        Lot.objects.filter(pk__in={lot for (_, lot), _ in over} - lot_codes.keys()).values_list(
            "pk", "code"
        )
    )
    exceeded = [
        {
            "product": p,
            "sku": names.get(p, str(p)),
            "lot": lot_codes.get(lot) if lot else None,
            "asked": n,
            "returnable": getattr(bound.get((p, lot)), "returnable", 0),
        }
        for (p, lot), n in sorted(over, key=lambda item: (names.get(item[0][0], ""), item[0]))
    ]
    raise ReturnExceedsShipped(
        f"{document.number} brings back more than {origin.number} shipped less its earlier "
        "returns: "
        + "; ".join(
            f"{e['sku']}{' lot ' + e['lot'] if e['lot'] else ''}: asked {e['asked']}, "
            f"returnable {e['returnable']}"
            for e in exceeded
        )
        + ".",
        exceeded=exceeded,
    )


def _refuse_if_returned(shipment: Document) -> None:
    returns = list(
        Document.objects.filter(origin_id=shipment.pk, status=Status.POSTED)
        .order_by("pk")
        .values_list("number", flat=True)
    )
    if returns:
        raise ShipmentHasReturns(
            f"{shipment.number} has posted returns ({', '.join(returns)}); cancel them first.",
            returns=returns,
        )
