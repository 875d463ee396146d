"""The stock service's statements: create the rows that may grow, lock every level in the global
order, add the deltas and write the ledger."""

from collections import defaultdict
from collections.abc import Sequence
from functools import reduce
from operator import or_

from django.db import connection
from django.db.models import BigIntegerField, BooleanField, Case, F, Q, Value, When
from django.db.models.lookups import GreaterThan

from inventory.models import (
    Inventory,
    Quant,
    StockMovement,
    WarehouseInventory,
)
from inventory.services.stock_types import QuantKey, StockChange, StockTake, _Locked, key_order


def _destination_keys(takes: Sequence[StockTake]) -> dict[QuantKey, tuple[int, bool]]:
    """Where transfers may put stock: {(destination, product, lot): (warehouse, is_serial)}.

    The lot of a transferred unit is only known once its source quant is chosen under the lock,
    but the destination rows must exist before any lock. So the lots the sources hold now are
    read first, without locking, and a destination row is made for each.
    """
    moving = [t for t in takes if t.to_location_id is not None]
    if not moving:
        return {}
    match = reduce(or_, (Q(warehouse_id=t.warehouse_id, product_id=t.product_id) for t in moving))
    held: dict[int, set[tuple[int | None, bool]]] = defaultdict(set)
    for product_id, lot_id, is_serial in (
        Quant.objects.filter(match, quantity__gt=0)
        .values_list("product_id", "lot_id", "is_serial")
        .distinct()
    ):
        held[product_id].add((lot_id, is_serial))
    keys = {}
    for take in moving:
        for lot_id, is_serial in held[take.product_id]:
            if take.lot_id is None or lot_id == take.lot_id:
                keys[(take.to_location_id, take.product_id, lot_id)] = (
                    take.to_warehouse_id,
                    is_serial,
                )
    return keys


def _create_growing_rows(changes, takes, destinations) -> None:
    """Create, before any lock and in lock order, every row this posting may add stock to."""
    quants = {c.key: (c.warehouse_id, c.is_serial) for c in changes if c.set_to or c.quantity > 0}
    quants.update(destinations)
    if not quants:
        return
    Quant.objects.bulk_create(
        [
            Quant(warehouse_id=w, location_id=loc, product_id=p, lot_id=lot, is_serial=serial)
            for (loc, p, lot), (w, serial) in sorted(
                quants.items(), key=lambda item: key_order(item[0])
            )
        ],
        ignore_conflicts=True,
    )
    rows = sorted({(w, key[1]) for key, (w, _) in quants.items()})
    WarehouseInventory.objects.bulk_create(
        [WarehouseInventory(warehouse_id=w, product_id=p) for w, p in rows],
        ignore_conflicts=True,
    )
    totals = _totals_that_may_grow(changes)
    if totals:
        Inventory.objects.bulk_create(
            [Inventory(product_id=p) for p in totals], ignore_conflicts=True
        )


def _totals_that_may_grow(changes: Sequence[StockChange]) -> list[int]:
    """Products whose total may rise: takes (shipments, transfers) never raise one."""
    net: dict[int, int] = defaultdict(int)
    counted = set()
    for change in changes:
        if change.set_to:
            counted.add(change.product_id)
        else:
            net[change.product_id] += change.quantity
    return sorted(counted | {p for p, d in net.items() if d > 0})


def _lock_quants(changes, takes, destinations) -> dict[QuantKey, _Locked]:
    """Lock, in one statement and in (location, product, lot) order, every quant the posting
    may touch: the exact ones its changes and destinations name, and every quant with
    something available that its takes may draw on."""
    exact: dict[tuple[int, int | None], set[int]] = defaultdict(set)
    for location_id, product_id, lot_id in [c.key for c in changes] + list(destinations):
        exact[(location_id, lot_id)].add(product_id)
    conditions = [
        Q(location_id=location_id, lot_id=lot_id, product_id__in=products)
        if lot_id is not None
        else Q(location_id=location_id, lot__isnull=True, product_id__in=products)
        for (location_id, lot_id), products in exact.items()
    ]
    by_warehouse: dict[int, set[int]] = defaultdict(set)
    for take in takes:
        by_warehouse[take.warehouse_id].add(take.product_id)
    conditions += [
        Q(warehouse_id=w, product_id__in=products, quantity__gt=F("reserved"))
        for w, products in by_warehouse.items()
    ]
    rows = (
        Quant.objects.select_for_update(of=("self",))
        .filter(reduce(or_, conditions))
        .order_by("location_id", "product_id", "lot_id")
        .values_list(
            "location_id",
            "product_id",
            "lot_id",
            "id",
            "warehouse_id",
            "quantity",
            "reserved",
            "is_serial",
            "lot__expires_on",
            "received_at",
            "location__pick_order",
            "location__path",
        )
    )
    return {(loc, p, lot): _Locked(*rest) for loc, p, lot, *rest in rows}


def _lock_warehouse_rows(keys: list[tuple[int, int]]) -> dict[tuple[int, int], tuple[int, int]]:
    """Lock the stock rows of ``keys`` in (warehouse, product) order; {key: (id, quantity)}."""
    if not keys:
        return {}
    by_warehouse: dict[int, list[int]] = defaultdict(list)
    for w, p in keys:
        by_warehouse[w].append(p)
    match = reduce(or_, (Q(warehouse_id=w, product_id__in=ps) for w, ps in by_warehouse.items()))
    rows = (
        WarehouseInventory.objects.select_for_update()
        .filter(match)
        .order_by("warehouse_id", "product_id")
        .values_list("warehouse_id", "product_id", "id", "quantity")
    )
    return {(w, p): (row_id, qty) for w, p, row_id, qty in rows}


def _lock_totals(products: list[int]) -> dict[int, int]:
    """Lock product totals in product order: an UPDATE alone locks rows in whatever order its
    plan visits them, which can deadlock against a posting visiting them the other way."""
    if not products:
        return {}
    return dict(
        Inventory.objects.select_for_update()
        .filter(pk__in=products)
        .order_by("pk")
        .values_list("pk", "quantity")
    )


_KEYS = {WarehouseInventory: ("warehouse_id", "product_id"), Inventory: ("product_id",)}

# One data-modifying step of the persisting statement: (name, CTEs with a {gate} to wait on the
# step before, their parameters in text order).
Step = tuple[str, str, list]


def _run_in_order(steps: list[Step]) -> None:
    """PostgreSQL: run ``steps`` as one statement, each strictly after the one before.

    Each step is a data-modifying CTE whose rows wait on an InitPlan counting what the step
    before returned, so the step before runs to its end first and the row locks are taken
    level by level, in the global order, as if the steps were separate statements.
    """
    ctes, params, before = [], [], None
    for name, sql, step_params in steps:
        gate = f"(SELECT count(*) FROM {before}) >= 0" if before else "TRUE"
        ctes.append(sql.replace("{gate}", gate))
        params += step_params
        before = name
    with connection.cursor() as cursor:
        cursor.execute(f"WITH {', '.join(ctes)} SELECT count(*) FROM {before}", params)


def _quants_step(deltas: dict[int, tuple[int, int]], now) -> Step:
    """Add ``deltas`` ({quant id: (quantity, reserved)}) to the quants, locked already: a join
    against arrays, linear in the rows (a CASE with one branch per row is quadratic). A quant
    that was empty and receives stock starts its first-in date now."""
    return (
        "quants_added",
        "quants_added AS (UPDATE stock_quants AS t SET quantity = t.quantity + d.dq, "
        "reserved = t.reserved + d.dr, updated_at = %s, "
        "received_at = CASE WHEN t.quantity = 0 AND d.dq > 0 THEN %s ELSE t.received_at END, "
        "holds_serial = t.is_serial AND t.quantity + d.dq > 0 "
        "FROM unnest(%s::bigint[], %s::bigint[], %s::bigint[]) AS d(pk, dq, dr) "
        "WHERE t.id = d.pk AND {gate} RETURNING 1)",
        [now, now, list(deltas), [d[0] for d in deltas.values()], [d[1] for d in deltas.values()]],
    )


def _lock_and_add_step(model, deltas: dict[tuple, tuple[int, int]], now) -> Step:
    """Lock ``model``'s rows of ``deltas`` ({key columns: (quantity, reserved)}) in key order
    and add the deltas. The MATERIALIZED CTE emits the rows sorted and locks each as it emits
    it, and the UPDATE touches only rows it has emitted, so the locks are taken in the global
    order; a row changed meanwhile is re-read by the UPDATE (READ COMMITTED). PostgreSQL itself
    refuses a bigint overflow (DataError, answered as the limit)."""
    table, columns = model._meta.db_table, _KEYS[model]
    arrays = [list(a) for a in zip(*deltas, strict=True)]
    keys = ", ".join("%s::bigint[]" for _ in columns)
    names = ", ".join(f"k{i}" for i in range(len(columns)))
    match = " AND ".join(f"t.{c} = k.k{i}" for i, c in enumerate(columns))
    order = ", ".join(f"t.{c}" for c in columns)
    pk = model._meta.pk.column
    return (
        f"{table}_added",
        f"{table}_locked AS MATERIALIZED ("
        f"SELECT t.{pk} AS pk, k.dq, k.dr FROM {table} t "
        f"JOIN unnest({keys}, %s::bigint[], %s::bigint[]) AS k({names}, dq, dr) ON {match} "
        f"WHERE {{gate}} ORDER BY {order} FOR UPDATE OF t), "
        f"{table}_added AS (UPDATE {table} AS t SET quantity = t.quantity + l.dq, "
        f"reserved = t.reserved + l.dr, updated_at = %s "
        f"FROM {table}_locked AS l WHERE t.{pk} = l.pk RETURNING 1)",
        [*arrays, [d[0] for d in deltas.values()], [d[1] for d in deltas.values()], now],
    )


def _add_quantities(
    model, deltas: dict[int, tuple[int, int]], now, arriving: Sequence[int] = ()
) -> None:
    """SQLite: add ``deltas`` ({primary key: (quantity, reserved)}) to the rows in one statement.

    ``arriving`` (quants only): rows receiving stock; one that was empty starts its first-in
    date now.
    """

    def column(name, index):
        return F(name) + Case(
            *(When(pk=pk, then=Value(d[index])) for pk, d in deltas.items()),
            output_field=BigIntegerField(),
        )

    quantity = column("quantity", 0)
    extra = {}
    if model is Quant:
        extra["received_at"] = Case(
            When(pk__in=list(arriving), quantity=0, then=Value(now)), default=F("received_at")
        )
        extra["holds_serial"] = Case(
            When(is_serial=False, then=Value(False)),
            default=GreaterThan(quantity, Value(0)),
            output_field=BooleanField(),
        )
    model.objects.filter(pk__in=deltas).update(
        quantity=quantity, reserved=column("reserved", 1), updated_at=now, **extra
    )


_LEDGER_COLUMNS = (
    "document_id",
    "document_line_id",
    "warehouse_id",
    "location_id",
    "product_id",
    "lot_id",
    "quant_id",
    "quantity",
    "balance_after",
    "is_reversal",
    "created_at",
)


def _ledger_rows(moves, locked, document_id, is_reversal, now) -> list[tuple]:
    """One row per (line, quant) moved, in quant order, each with the quant's balance after it
    (columns as _LEDGER_COLUMNS)."""
    balance = {key: q.quantity for key, q in locked.items()}
    rows = []
    for (line_id, key), delta in sorted(
        moves.items(), key=lambda item: (key_order(item[0][1]), item[0][0])
    ):
        quant = locked[key]
        balance[key] += delta
        rows.append(
            (
                document_id,
                line_id,
                quant.warehouse_id,
                key[0],
                key[1],
                key[2],
                quant.id,
                delta,
                balance[key],
                is_reversal,
                now,
            )
        )
    return rows


def _ledger_step(rows: list[tuple]) -> Step:
    """PostgreSQL: the ledger rows in one INSERT over arrays, column by column."""
    types = ["bigint"] * 9 + ["boolean", "timestamptz"]
    table = StockMovement._meta.db_table
    return (
        "ledger_written",
        f"ledger_written AS (INSERT INTO {table} ({', '.join(_LEDGER_COLUMNS)}) "
        f"SELECT * FROM unnest({', '.join(f'%s::{t}[]' for t in types)}) "
        "WHERE {gate} RETURNING 1)",
        [list(c) for c in zip(*rows, strict=True)],
    )


def _write_ledger(rows: list[tuple]) -> None:
    """SQLite: the ledger rows, one model instance each."""
    StockMovement.objects.bulk_create(
        StockMovement(**dict(zip(_LEDGER_COLUMNS, row, strict=True))) for row in rows
    )
