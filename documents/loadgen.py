"""The last step of generate_load_data: the documents its set-based bulk cannot write in closed
form, made through documents.services so that they are consistent by construction --

* posted transfers between two shelves of one warehouse;
* posted returns, each of a shipment posted here (a return brings back what its shipment
  shipped, never more: return_create drafts exactly that);
* documents posted and then cancelled (receipts, shipments, transfers, adjustments, in turn),
  with their reversing movements;
* backorders: a shipment reserved, posted short (one of each line's two units), and the draft
  that owes the rest.

They are posted now, after the bulk's months were closed. Every movement lands in the current
month, which no closing covers until it has ended (inventory/month_close.py), so the closings and
every as-of read stay exact without reopening anything.

The stock comes from quants of the generated warehouses with enough available (untracked, on
shelves), read once; what each has left is kept here as documents spend it, so no posting is
refused for a shortage. When the quants run dry (a tiny warehouse), fewer are made, and said.
"""

import logging
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from math import ceil
from time import perf_counter

from documents.models import DocType, Document
from documents.services import (
    LineInput,
    document_cancel,
    document_create,
    document_post,
    document_reserve,
    return_create,
)
from inventory.selectors import quant_list

LINES = 2  # per document
QUANTITY = 2  # per line: a short posting ships one unit of each line and owes the other
CANCELLED = (DocType.RECEIPT, DocType.SHIPMENT, DocType.TRANSFER, DocType.ADJUSTMENT)


@dataclass
class Stock:
    """One quant to take from, and what is still available of it."""

    location_id: int
    product_id: int
    available: int


class Pool:
    """Quants with at least QUANTITY available, per warehouse, used round-robin."""

    def __init__(self, warehouse_ids: list[int], wanted: int):
        per_warehouse = ceil(wanted / max(1, len(warehouse_ids))) + LINES + 1
        self.stock: dict[int, deque[Stock]] = {}
        for warehouse_id in warehouse_ids:
            quants = (
                quant_list()
                .filter(
                    warehouse_id=warehouse_id,
                    lot__isnull=True,
                    product__is_active=True,
                    location__parent__isnull=False,
                    shown_available__gte=QUANTITY,
                )
                .order_by("pk")
                .values_list("location_id", "product_id", "shown_available")[:per_warehouse]
            )
            self.stock[warehouse_id] = deque(Stock(*row) for row in quants)
        self.turn = deque(warehouse_ids)

    def take(self) -> tuple[int, list[Stock], int] | None:
        """(warehouse, LINES quants with QUANTITY available, a shelf none of them is on) of
        the next warehouse that has them, or None when none has."""
        for _ in range(len(self.turn)):
            warehouse_id = self.turn[0]
            self.turn.rotate(-1)
            stock, usable = self.stock[warehouse_id], []
            while stock and len(usable) < LINES:
                first = stock.popleft()
                if first.available >= QUANTITY:  # else spent: dropped
                    usable.append(first)
            shelves = {s.location_id for s in usable}
            elsewhere = next((s.location_id for s in stock if s.location_id not in shelves), None)
            stock.extend(usable)  # used again once the others have been
            if len(usable) == LINES and elsewhere is not None:
                return warehouse_id, usable, elsewhere
        return None


def lines_of(stock: list[Stock], quantity: int, destination: int | None = None):
    return [
        LineInput(
            s.product_id, quantity, location_id=s.location_id, destination_location_id=destination
        )
        for s in stock
    ]


def transfer(taken, _) -> list[Document]:
    warehouse_id, stock, shelf = taken
    document = document_create(
        doc_type=DocType.TRANSFER,
        warehouse_id=warehouse_id,
        destination_warehouse_id=warehouse_id,
        lines=lines_of(stock, QUANTITY, shelf),
    )
    document_post(document_id=document.pk)
    spend(stock, QUANTITY)
    return [document]


def returned(taken, _) -> list[Document]:
    """A shipment posted, then a return of everything it shipped, posted (to the warehouse's
    default location)."""
    warehouse_id, stock, _ = taken
    shipment = document_create(
        doc_type=DocType.SHIPMENT, warehouse_id=warehouse_id, lines=lines_of(stock, QUANTITY)
    )
    document_post(document_id=shipment.pk)
    spend(stock, QUANTITY)
    back = return_create(shipment_id=shipment.pk)
    document_post(document_id=back.pk)
    return [shipment, back]


def cancelled(taken, done: int) -> list[Document]:
    """A receipt, shipment, transfer or adjustment (by turns) posted, then cancelled."""
    warehouse_id, stock, shelf = taken
    kind = CANCELLED[done % len(CANCELLED)]
    quantity = -QUANTITY if kind == DocType.ADJUSTMENT else QUANTITY
    document = document_create(
        doc_type=kind,
        warehouse_id=warehouse_id,
        destination_warehouse_id=warehouse_id if kind == DocType.TRANSFER else None,
        lines=lines_of(stock, quantity, shelf if kind == DocType.TRANSFER else None),
    )
    document_post(document_id=document.pk)
    document_cancel(document_id=document.pk, reason="Load data: posted, then cancelled.")
    return [document]


def backordered(taken, _) -> list[Document]:
    """A shipment reserved and posted with one unit of each line: the rest is a backorder."""
    warehouse_id, stock, _ = taken
    shipment = document_create(
        doc_type=DocType.SHIPMENT, warehouse_id=warehouse_id, lines=lines_of(stock, QUANTITY)
    )
    document_reserve(document_id=shipment.pk)
    line_ids = shipment.lines.values_list("pk", flat=True)
    posted = document_post(document_id=shipment.pk, shipped={pk: 1 for pk in line_ids})
    spend(stock, 1)
    return [posted, posted.backorder]


def spend(stock: list[Stock], quantity: int) -> None:
    for s in stock:
        s.available -= quantity


@contextmanager
def quiet_services() -> Iterator[None]:
    """The services log each document they make at INFO: thousands of lines here, where the
    step prints its progress instead. Warnings still pass."""
    services = logging.getLogger("documents.services")
    level = services.level
    services.setLevel(logging.WARNING)
    try:
        yield
    finally:
        services.setLevel(level)


def split(count: int, parts: int) -> list[int]:
    return [count // parts + (1 if i < count % parts else 0) for i in range(parts)]


def post_through_services(
    *, count: int, warehouse_ids: list[int], say: Callable[[str], None]
) -> int:
    """About ``count`` documents of the four kinds (a quarter each; a return's shipment and a
    backorder come on top), through the services; the number of documents made."""
    if count <= 0 or not warehouse_ids:
        return 0
    started = perf_counter()
    pool = Pool(warehouse_ids, count * (LINES + 1))
    kinds = [
        ("posted transfers", transfer),
        ("posted returns (and their shipments)", returned),
        ("posted and cancelled", cancelled),
        ("short shipments (and their backorders)", backordered),
    ]
    made = 0
    for (name, make), wanted in zip(kinds, split(count, len(kinds)), strict=True):
        done = 0
        with quiet_services():
            while done < wanted and (taken := pool.take()) is not None:
                made += len(make(taken, done))
                done += 1
        short = f" (of {wanted:,}: the quants ran dry)" if done < wanted else ""
        say(f"service documents: {done:,} {name}{short}")
    say(f"service documents: {made:,} documents in {perf_counter() - started:.1f} s")
    return made
