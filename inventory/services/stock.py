"""The one place where stock changes.

Every change of stock goes through ``stock_apply``. It works on three levels of balances --
quants (location, product, lot), warehouse rows, product totals -- in one transaction and in
one global lock order: quants by (location, product, lot), then warehouse rows by (warehouse,
product), then totals by product. Rows that may grow are created before any lock is taken
(insert ... on conflict do nothing, in the same order). It checks that nothing would go below
its reserved part or past the largest storable number, applies the deltas set-based, and
writes one ledger row per quant moved with the quant's balance after it. Its number of queries
does not depend on the number of changes.
"""

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import NamedTuple

from django.db import DataError, IntegrityError, connection, transaction
from django.utils import timezone

from inventory.exceptions import InsufficientStock, SerialInStock, Shortage, StockLimitExceeded
from inventory.models import (
    Inventory,
    Lot,
    Product,
    Quant,
    StockReservation,
    WarehouseInventory,
)
from inventory.services.stock_rows import (
    _add_quantities,
    _create_growing_rows,
    _destination_keys,
    _ledger_rows,
    _ledger_step,
    _lock_and_add_step,
    _lock_quants,
    _lock_totals,
    _lock_warehouse_rows,
    _quants_step,
    _run_in_order,
    _write_ledger,
)
from inventory.services.stock_types import (
    QuantKey,
    StockChange,
    StockResult,
    StockTake,
    _check_bound,
    _Locked,
    removal_order,
)
from warehouses.models import Location, Warehouse


def stock_apply(
    *,
    document_id: int,
    changes: Sequence[StockChange] = (),
    takes: Sequence[StockTake] = (),
    is_reversal: bool = False,
) -> StockResult:
    """Apply ``changes`` and ``takes`` for one document, all or nothing.

    Raises InsufficientStock listing every line that would take more than is available,
    StockLimitExceeded when a quantity would pass the largest storable number, SerialInStock
    when a serial would exist twice; in every case nothing changes. Returns the number of
    ledger rows written (a change whose delta is zero writes none), the reservations made
    (line, quant, quantity) and what a partial reservation could not get.
    """
    if not changes and not takes:
        return StockResult()
    # Joins the caller's transaction without a savepoint: a failure here aborts it as a whole.
    with transaction.atomic(savepoint=False):
        try:
            return _apply(changes, takes, document_id, is_reversal)
        except DataError as exc:  # bigint overflow on a path the bound check does not see
            raise StockLimitExceeded(
                "A stock quantity would exceed the largest number the system stores."
            ) from exc
        except IntegrityError as exc:
            if "serial" in str(exc) or "stock_quants.lot_id" in str(exc):
                raise SerialInStock(
                    "A serial number would be in stock twice: it is already in stock elsewhere."
                ) from exc
            raise


@dataclass
class _Plan:
    """Phase one's answer: per (line, quant key), the delta of quantity and of reserved."""

    moves: dict[tuple[int, QuantKey], int]
    holds: dict[tuple[int, QuantKey], int]
    result: StockResult


class _Deltas(NamedTuple):
    """Phase two's answer, per level: {key: (delta of quantity, delta of reserved)}."""

    quants: dict[QuantKey, tuple[int, int]]
    warehouses: dict[tuple[int, int], tuple[int, int]]
    products: dict[int, tuple[int, int]]


def _apply(changes, takes, document_id, is_reversal):
    """Create the rows that may grow, lock the quants, then plan, roll up and persist."""
    now = timezone.now()
    destinations = _destination_keys(takes)
    _create_growing_rows(changes, takes, destinations)
    locked = _lock_quants(changes, takes, destinations)
    plan = _plan(changes, takes, locked)
    deltas = _roll_up(plan, locked)
    if deltas is not None:
        _persist(deltas, plan, locked, document_id, is_reversal, now)
    return plan.result


def _plan(changes, takes, locked: dict[QuantKey, _Locked]) -> _Plan:
    """Phase one: what each line does to each locked quant. Raises InsufficientStock listing
    every shortage (a partial take's shortage is reported in the result instead)."""
    # (line, quant key) -> delta of quantity, and of reserved, in the order lines were given.
    moves: dict[tuple[int, QuantKey], int] = defaultdict(int)
    holds: dict[tuple[int, QuantKey], int] = defaultdict(int)
    shortages: list[Shortage] = []
    result = StockResult()
    balance = {key: q.quantity for key, q in locked.items()}
    promised = {key: q.reserved for key, q in locked.items()}
    for change in changes:
        current = balance.get(change.key, 0)
        reserved = promised.get(change.key, 0) + change.reserved
        delta = change.quantity - current if change.set_to else change.quantity
        if current + delta < reserved or reserved < 0:
            shortages.append(
                Shortage(
                    product=change.product_id,
                    warehouse=change.warehouse_id,
                    requested=-delta,
                    available=current - promised.get(change.key, 0),
                    location=change.location_id,
                    lot=change.lot_id,
                    held_by=_holders(locked.get(change.key)),
                )
            )
            continue
        if delta:
            balance[change.key] = current + delta
            moves[(change.document_line_id, change.key)] += delta
        if change.reserved:
            promised[change.key] = reserved
            holds[(change.document_line_id, change.key)] += change.reserved
    held: dict[tuple[int, int], list[QuantKey]] = defaultdict(list)
    for key, quant in locked.items():
        held[(quant.warehouse_id, key[1])].append(key)
    for take in takes:
        shortage = _allocate(
            take,
            held[(take.warehouse_id, take.product_id)],
            locked,
            (balance, promised),
            holds if take.reserve else moves,
        )
        if shortage and take.partial:
            result.short.append(shortage)
        elif shortage:
            shortages.append(shortage)
    if shortages:
        raise InsufficientStock(shortages, message=_describe_shortages(shortages))
    moves = {k: d for k, d in moves.items() if d}
    holds = {k: d for k, d in holds.items() if d}
    result.held = [(line, locked[key].id, q) for (line, key), q in holds.items() if q > 0]
    return _Plan(moves, holds, result)


def _roll_up(plan: _Plan, locked: dict[QuantKey, _Locked]) -> _Deltas | None:
    """Phase two: the deltas summed per quant, then per warehouse row, then per product total,
    each bound-checked at the quant level; None when nothing changes."""
    # Per quant, warehouse row and product total: (delta of quantity, delta of reserved).
    quant_deltas: dict[QuantKey, list[int]] = defaultdict(lambda: [0, 0])
    for (_, key), delta in plan.moves.items():
        quant_deltas[key][0] += delta
    for (_, key), delta in plan.holds.items():
        quant_deltas[key][1] += delta
    quant_deltas = {k: tuple(d) for k, d in quant_deltas.items() if any(d)}
    if not quant_deltas:
        return None
    for key, (delta, _) in quant_deltas.items():
        quant = locked[key]
        _check_bound(quant.quantity + delta)
        if quant.is_serial and quant.quantity + delta > 1:
            raise SerialInStock("A serial number would be in stock twice: it already is here.")

    warehouse_deltas: dict[tuple[int, int], list[int]] = defaultdict(lambda: [0, 0])
    for key, (dq, dr) in quant_deltas.items():
        row = warehouse_deltas[(locked[key].warehouse_id, key[1])]
        row[0] += dq
        row[1] += dr
    warehouse_deltas = {k: tuple(d) for k, d in warehouse_deltas.items() if any(d)}
    product_deltas: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    for (_, product_id), (dq, dr) in warehouse_deltas.items():
        product_deltas[product_id][0] += dq
        product_deltas[product_id][1] += dr
    # A transfer nets to zero.
    product_deltas = {p: tuple(d) for p, d in product_deltas.items() if any(d)}
    return _Deltas(quant_deltas, warehouse_deltas, product_deltas)


def _persist(deltas: _Deltas, plan: _Plan, locked, document_id, is_reversal, now) -> None:
    """Phase three: add the deltas level by level in lock order, then write the ledger."""
    quant_deltas, warehouse_deltas, product_deltas = deltas
    rows = _ledger_rows(plan.moves, locked, document_id, is_reversal, now)
    plan.result.movements = len(rows)
    if connection.vendor == "postgresql":
        # One statement for every level and the ledger, in lock order: one round trip while
        # the locks are held. PostgreSQL itself refuses a bigint overflow (DataError, answered
        # as the limit).
        steps = [_quants_step({locked[k].id: d for k, d in quant_deltas.items()}, now)]
        if warehouse_deltas:
            steps.append(_lock_and_add_step(WarehouseInventory, warehouse_deltas, now))
        if product_deltas:
            totals = {(p,): d for p, d in product_deltas.items()}
            steps.append(_lock_and_add_step(Inventory, totals, now))
        if rows:
            steps.append(_ledger_step(rows))
        _run_in_order(steps)
        return
    _add_quantities(
        Quant,
        {locked[k].id: d for k, d in quant_deltas.items()},
        now,
        arriving=[locked[k].id for k, (dq, _) in quant_deltas.items() if dq > 0],
    )
    warehouse_rows = _lock_warehouse_rows(sorted(warehouse_deltas))
    totals = _lock_totals(sorted(product_deltas))
    for key, (delta, _) in warehouse_deltas.items():
        _check_bound(warehouse_rows[key][1] + delta)
    for product_id, (delta, _) in product_deltas.items():
        _check_bound(totals.get(product_id, 0) + delta)
    if warehouse_deltas:
        _add_quantities(
            WarehouseInventory,
            {warehouse_rows[k][0]: d for k, d in warehouse_deltas.items()},
            now,
        )
    if product_deltas:
        _add_quantities(Inventory, product_deltas, now)
    if rows:
        _write_ledger(rows)


def _allocate(take, keys, locked, balances, moves) -> Shortage | None:
    """Fill ``take`` from the quants it may draw on, in removal order; a Shortage if short.

    ``keys``: the locked quants of the take's warehouse and product; ``balances``: their running
    (quantity, reserved); ``moves``: where the chosen deltas go (quantity, or reserved when the
    take reserves). Only what is available -- quantity less reserved -- is ever chosen.
    """
    balance, promised = balances
    candidates = []
    for key in keys:
        quant = locked[key]
        location_id, product_id, lot_id = key
        if take.lot_id is not None and lot_id != take.lot_id:
            continue
        if take.within is not None and take.within[1]:
            path = take.within[1]
            if quant.path != path and not quant.path.startswith(path + "/"):
                continue
        if location_id == take.to_location_id:
            continue  # an internal move never takes from where it puts
        if take.to_location_id is not None and (
            (take.to_location_id, product_id, lot_id) not in locked
        ):
            continue  # a lot that arrived after the destination rows were made: not this time
        if balance[key] - promised[key] > 0:
            candidates.append((removal_order(quant, key), key))
    needed = take.quantity
    for _, key in sorted(candidates):
        if not needed:
            break
        quantity = min(needed, balance[key] - promised[key])
        if take.reserve:
            promised[key] += quantity
            moves[(take.document_line_id, key)] += quantity
        else:
            balance[key] -= quantity
            moves[(take.document_line_id, key)] -= quantity
            if take.to_location_id is not None:
                target = (take.to_location_id, key[1], key[2])
                balance[target] += quantity
                moves[(take.document_line_id, target)] += quantity
        needed -= quantity
    if not needed:
        return None
    return Shortage(
        product=take.product_id,
        warehouse=take.warehouse_id,
        requested=take.quantity,
        available=take.quantity - needed,
        location=take.within[0] if take.within else None,
        lot=take.lot_id,
    )


def _holders(quant: "_Locked | None") -> tuple[str, ...]:
    """The documents whose reservations hold ``quant`` (failure path only)."""
    if quant is None or not quant.reserved:
        return ()
    return tuple(
        StockReservation.objects.filter(quant_id=quant.id)
        .order_by("document__number")
        .values_list("document__number", flat=True)
        .distinct()
    )


def _describe_shortages(shortages: list[Shortage]) -> str:
    """The readable message: SKUs, paths and lot codes rather than ids (failure path only)."""
    skus = dict(
        Product.objects.filter(pk__in={s.product for s in shortages}).values_list("pk", "sku")
    )
    codes = dict(
        Warehouse.objects.filter(pk__in={s.warehouse for s in shortages}).values_list("pk", "code")
    )
    places = {
        loc.pk: loc.full_path
        for loc in Location.objects.filter(
            pk__in={s.location for s in shortages if s.location}
        ).select_related("warehouse")
    }
    lots = dict(
        Lot.objects.filter(pk__in={s.lot for s in shortages if s.lot}).values_list("pk", "code")
    )

    def where(s: Shortage) -> str:
        text = places.get(s.location) or codes.get(s.warehouse, str(s.warehouse))
        return f"{text}, lot {lots.get(s.lot, s.lot)}" if s.lot else text

    parts = "; ".join(
        f"{skus.get(s.product, s.product)} in {where(s)}: "
        f"requested {s.requested}, available {s.available}"
        + (f" (reserved for {', '.join(s.held_by)})" if s.held_by else "")
        for s in shortages
    )
    return f"Insufficient stock: {parts}."
