"""The one place where stock changes.

Every change of stock goes through ``stock_apply``: it creates missing stock rows race-free, locks
every row it touches in one global order, checks that nothing would go below zero, applies the
deltas with set-based updates, keeps the product totals equal to the sum of the stock rows, and
writes the ledger. Its number of queries does not depend on the number of changes.
"""

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from functools import reduce
from operator import or_

from django.db import DataError, connection, transaction
from django.db.models import BigIntegerField, Case, F, Q, Value, When
from django.utils import timezone

from inventory.exceptions import InsufficientStock, Shortage, StockLimitExceeded
from inventory.models import Inventory, Product, StockMovement, WarehouseInventory
from warehouses.models import Warehouse

Key = tuple[int, int]  # (warehouse_id, product_id)


@dataclass(frozen=True)
class StockChange:
    warehouse_id: int
    product_id: int
    # A signed delta; with ``set_to`` the quantity the stock must become (a stocktake), whose
    # delta is only known under the lock.
    quantity: int
    document_line_id: int
    set_to: bool = False

    @property
    def key(self) -> Key:
        return (self.warehouse_id, self.product_id)


def stock_apply(
    *, changes: Sequence[StockChange], document_id: int, is_reversal: bool = False
) -> list[StockMovement]:
    """Apply ``changes`` for one document, all or nothing.

    Raises InsufficientStock listing every (warehouse, product) that would go below zero, and
    StockLimitExceeded when a quantity would not fit its column; in both cases nothing changes.
    Returns the ledger rows written (changes whose delta is zero write none).
    """
    if len({c.key for c in changes}) != len(changes):
        raise ValueError("stock_apply takes at most one change per (warehouse, product)")
    if not changes:
        return []
    # Joins the caller's transaction without a savepoint: a failure here aborts it as a whole.
    with transaction.atomic(savepoint=False):
        try:
            return _apply(changes, document_id, is_reversal)
        except DataError as exc:  # bigint overflow: numeric_value_out_of_range
            raise StockLimitExceeded(
                "A stock quantity would exceed the largest number the system stores."
            ) from exc


def _apply(changes: Sequence[StockChange], document_id: int, is_reversal: bool):
    keys = sorted(c.key for c in changes)
    # Rows that may grow are created first, in the global (warehouse, product) order and before
    # any lock is taken: two first receipts of one product make one row, and no two postings can
    # wait on each other's inserts. Rows that can only shrink need no insert: if missing, they
    # hold zero.
    growing = sorted(c.key for c in changes if c.set_to or c.quantity > 0)
    if growing:
        WarehouseInventory.objects.bulk_create(
            [WarehouseInventory(warehouse_id=w, product_id=p) for w, p in growing],
            ignore_conflicts=True,
        )
        Inventory.objects.bulk_create(
            [Inventory(product_id=p) for p in sorted({p for _, p in growing})],
            ignore_conflicts=True,
        )

    locked = _lock_stock(keys)
    deltas: dict[Key, int] = {}
    shortages = []
    for change in changes:
        _, available = locked.get(change.key, (None, 0))
        delta = change.quantity - available if change.set_to else change.quantity
        if available + delta < 0:
            shortages.append(
                Shortage(
                    product=change.product_id,
                    warehouse=change.warehouse_id,
                    requested=-delta,
                    available=available,
                )
            )
        elif delta:
            deltas[change.key] = delta
    if shortages:
        raise InsufficientStock(shortages, message=_describe_shortages(shortages))
    if not deltas:
        return []

    now = timezone.now()
    _add_quantities(WarehouseInventory, {locked[k][0]: d for k, d in deltas.items()}, now)

    per_product: dict[int, int] = defaultdict(int)
    for (_, product_id), delta in deltas.items():
        per_product[product_id] += delta
    per_product = {p: d for p, d in per_product.items() if d}  # a transfer nets to zero
    if per_product:
        # Locked explicitly in product order: an UPDATE alone locks rows in whatever order its
        # plan visits them, which can deadlock against a posting visiting them the other way.
        list(
            Inventory.objects.select_for_update()
            .filter(pk__in=per_product)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        _add_quantities(Inventory, per_product, now)

    line_of = {c.key: c.document_line_id for c in changes}
    return StockMovement.objects.bulk_create(
        [
            StockMovement(
                document_id=document_id,
                document_line_id=line_of[(w, p)],
                warehouse_id=w,
                product_id=p,
                quantity=delta,
                is_reversal=is_reversal,
                created_at=now,
            )
            for (w, p), delta in sorted(deltas.items())
        ]
    )


def _add_quantities(model, deltas: dict[int, int], now) -> None:
    """Add ``deltas`` ({primary key: delta}) to the quantity column in one statement."""
    if connection.vendor == "postgresql":
        # A join against two arrays: linear in the rows and always two parameters, where a
        # CASE with one branch per row is quadratic (each row walks the branches).
        table, pk = model._meta.db_table, model._meta.pk.column
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {table} AS t SET quantity = t.quantity + d.delta, updated_at = %s "
                f"FROM unnest(%s::bigint[], %s::bigint[]) AS d(pk, delta) WHERE t.{pk} = d.pk",
                [now, list(deltas), list(deltas.values())],
            )
        return
    model.objects.filter(pk__in=deltas).update(
        quantity=F("quantity")
        + Case(
            *(When(pk=pk, then=Value(d)) for pk, d in deltas.items()),
            output_field=BigIntegerField(),
        ),
        updated_at=now,
    )


def _lock_stock(keys: list[Key]) -> dict[Key, tuple[int, int]]:
    """Lock the stock rows of ``keys`` in (warehouse, product) order; {key: (id, quantity)}."""
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


def _describe_shortages(shortages: list[Shortage]) -> str:
    """The readable message: SKUs and warehouse codes rather than ids (failure path only)."""
    skus = dict(
        Product.objects.filter(pk__in={s.product for s in shortages}).values_list("pk", "sku")
    )
    codes = dict(
        Warehouse.objects.filter(pk__in={s.warehouse for s in shortages}).values_list("pk", "code")
    )
    parts = "; ".join(
        f"{skus.get(s.product, s.product)} in {codes.get(s.warehouse, s.warehouse)}: "
        f"requested {s.requested}, available {s.available}"
        for s in shortages
    )
    return f"Insufficient stock: {parts}."
