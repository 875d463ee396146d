"""Reservation rows and the ledger as the stock service keeps them: reserve, release, consume
(post what was reserved) and reverse (cancel a posting from its own ledger rows).

Contract: a quant's ``reserved`` (and its warehouse row's and product total's) is the sum of its
reservation rows, and only these functions write those rows, each in the same transaction as the
``stock_apply`` that moves ``reserved``. Callers pass lines (``StockTake``s to reserve, quantities
per line to consume); they never see a quant's arithmetic. Every function joins the caller's
transaction and costs a number of queries that does not depend on the number of lines.
"""

from collections.abc import Mapping, Sequence
from typing import NamedTuple

from django.core.exceptions import ValidationError

from inventory.exceptions import InsufficientStock
from inventory.models import StockMovement, StockReservation
from inventory.services.stock import stock_apply
from inventory.services.stock_types import StockChange, StockResult, StockTake


class Reservation(NamedTuple):
    """One reservation row with the quant it holds (what releasing or consuming it needs)."""

    document_line_id: int
    warehouse_id: int
    location_id: int
    product_id: int
    lot_id: int | None
    is_serial: bool
    quantity: int


def stock_reservations(*, document_id: int) -> list[Reservation]:
    """A document's reservation rows, in the order they were made. One query."""
    return [
        Reservation(*row)
        for row in StockReservation.objects.filter(document_id=document_id)
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
    ]


def reserved_per_line(reservations: Sequence[Reservation]) -> dict[int, int]:
    """{line id: what its reservation rows hold}."""
    held: dict[int, int] = {}
    for row in reservations:
        held[row.document_line_id] = held.get(row.document_line_id, 0) + row.quantity
    return held


def stock_reserve(*, document_id: int, takes: Sequence[StockTake]) -> StockResult:
    """Raise the reserved part of the quants the removal strategy chooses for ``takes`` (each
    with ``reserve=True``) and write one reservation row per (line, quant).

    Raises InsufficientStock when nothing at all could be reserved, or on any shortage of a take
    that is not ``partial``; ``result.short`` lists what partial takes lacked.
    """
    result = stock_apply(takes=takes, document_id=document_id)
    if not result.held:
        raise InsufficientStock(
            result.short, message="Nothing is available to reserve for any line."
        )
    StockReservation.objects.bulk_create(
        StockReservation(document_id=document_id, document_line_id=line, quant_id=quant, quantity=n)
        for line, quant, n in result.held
    )
    return result


def stock_release(*, document_id: int) -> None:
    """Lower the reserved part of every quant the document holds, and delete its rows."""
    changes = [
        StockChange(
            r.warehouse_id,
            r.location_id,
            r.product_id,
            r.lot_id,
            0,
            r.document_line_id,
            is_serial=r.is_serial,
            reserved=-r.quantity,
        )
        for r in stock_reservations(document_id=document_id)
    ]
    stock_apply(changes=changes, document_id=document_id)
    StockReservation.objects.filter(document_id=document_id).delete()


def stock_check_shipped(
    reservations: Sequence[Reservation], shipped: Mapping[int, int]
) -> list[str]:
    """What is wrong with ``shipped`` ({line id: quantity}) against what each line reserved:
    a line ships between 0 and its reserved quantity."""
    held = reserved_per_line(reservations)
    return [
        f"Line {pk}: shipped {q} must be between 0 and its reserved {held.get(pk, 0)}."
        for pk, q in shipped.items()
        if not 0 <= q <= held.get(pk, 0)
    ]


def stock_consume(
    *,
    document_id: int,
    reservations: Sequence[Reservation],
    ship: Mapping[int, int],
    destinations: Mapping[int, tuple[int, int]] | None = None,
    picked: Mapping[tuple[int, int, int | None], int] | None = None,
) -> int:
    """Post a reserved document: each line ships ``ship[line]`` from exactly its reserved quants
    (in the order they were reserved) and releases the rest; with ``destinations`` ({line id:
    (warehouse id, location id)}, a transfer) what ships arrives there, lot kept. With
    ``picked`` ({(line id, location id, lot id): quantity}, what was taken from each place) a
    reservation row ships at most what is left of its place's picked quantity, so a short pick
    is short on the shelf where it was short. Deletes the reservation rows. ``reservations``
    are the document's rows as ``stock_reservations`` read them under the document's lock.
    Returns the number of ledger rows written.

    Raises ValidationError when a line would ship more than it reserved (nothing changes).
    """
    errors = stock_check_shipped(reservations, ship)
    if errors:
        raise ValidationError({"lines": errors})
    remaining = dict(ship)
    left = dict(picked) if picked is not None else None
    changes = []
    for r in reservations:
        line = r.document_line_id
        out = min(remaining.get(line, 0), r.quantity)
        if left is not None:
            place = (line, r.location_id, r.lot_id)
            out = min(out, left.get(place, 0))
            left[place] = left.get(place, 0) - out
        remaining[line] = remaining.get(line, 0) - out
        changes.append(
            StockChange(
                r.warehouse_id,
                r.location_id,
                r.product_id,
                r.lot_id,
                -out,
                line,
                is_serial=r.is_serial,
                reserved=-r.quantity,
            )
        )
        if destinations is not None and out:
            warehouse_id, location_id = destinations[line]
            changes.append(
                StockChange(
                    warehouse_id,
                    location_id,
                    r.product_id,
                    r.lot_id,
                    out,
                    line,
                    is_serial=r.is_serial,
                )
            )
    moved = stock_apply(changes=changes, document_id=document_id).movements
    StockReservation.objects.filter(document_id=document_id).delete()
    return moved


def stock_reverse(*, document_id: int) -> int:
    """Move back exactly what a posted document moved, quant by quant, from its own ledger rows
    (those not already reversals), writing reversal rows. Returns their number.

    Raises InsufficientStock when stock it brought in is gone (nothing changes).
    """
    rows = StockMovement.objects.filter(document_id=document_id, is_reversal=False).values_list(
        "warehouse_id",
        "location_id",
        "product_id",
        "lot_id",
        "quantity",
        "document_line_id",
        "quant__is_serial",
    )
    # Rows of one line and quant add up.
    changes = [
        StockChange(w, loc, p, lot, -q, line, is_serial=serial)
        for w, loc, p, lot, q, line, serial in rows
    ]
    return stock_apply(changes=changes, document_id=document_id, is_reversal=True).movements
