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

import csv
import logging
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from functools import reduce
from operator import or_

from django.core.exceptions import ValidationError
from django.db import DataError, IntegrityError, connection, transaction
from django.db.models import BigIntegerField, BooleanField, Case, F, Q, Value, When
from django.db.models.lookups import GreaterThan
from django.utils import timezone

from inventory.barcodes import barcode_normalize
from inventory.exceptions import InsufficientStock, SerialInStock, Shortage, StockLimitExceeded
from inventory.models import Inventory, Lot, Product, Quant, StockMovement, Unit, WarehouseInventory
from warehouses.models import Location, Warehouse
from wms.exceptions import DomainError

logger = logging.getLogger(__name__)

# Every quantity column is a bigint; the service refuses to pass it on every database (SQLite
# would otherwise turn an overflowing sum into a float).
MAX_QUANTITY = 2**63 - 1

QuantKey = tuple[int, int, int | None]  # (location_id, product_id, lot_id)


@dataclass(frozen=True)
class StockChange:
    """A change of exactly one quant: a signed delta, or with ``set_to`` the quantity it must
    become (a count), whose delta is only known under the lock."""

    warehouse_id: int
    location_id: int
    product_id: int
    lot_id: int | None
    quantity: int
    document_line_id: int
    set_to: bool = False
    is_serial: bool = False

    @property
    def key(self) -> QuantKey:
        return (self.location_id, self.product_id, self.lot_id)


@dataclass(frozen=True)
class StockTake:
    """Stock to take out of a warehouse, from the quants the removal strategy chooses.

    ``within`` limits the choice to a location and everything below it; ``lot_id`` to one lot.
    With ``to_location_id`` (a transfer) what is taken goes there, lot kept.
    """

    warehouse_id: int
    product_id: int
    quantity: int
    document_line_id: int
    lot_id: int | None = None
    within: tuple[int, str] | None = None  # (location id, its path)
    to_warehouse_id: int | None = None
    to_location_id: int | None = None


@dataclass
class _Locked:
    id: int
    warehouse_id: int
    quantity: int
    reserved: int
    is_serial: bool
    expires_on: date | None
    received_at: datetime | None
    pick_order: int
    path: str


def removal_order(quant: _Locked, key: QuantKey) -> tuple:
    """First expiry first (no expiry last), then first in first out, then pick order, path."""
    return (
        quant.expires_on is None,
        quant.expires_on or date.max,
        quant.received_at or datetime.max.replace(tzinfo=UTC),
        quant.pick_order,
        quant.path,
        key_order(key),
    )


def stock_apply(
    *,
    document_id: int,
    changes: Sequence[StockChange] = (),
    takes: Sequence[StockTake] = (),
    is_reversal: bool = False,
) -> int:
    """Apply ``changes`` and ``takes`` for one document, all or nothing.

    Raises InsufficientStock listing every line that would take more than is available,
    StockLimitExceeded when a quantity would pass the largest storable number, SerialInStock
    when a serial would exist twice; in every case nothing changes. Returns the number of
    ledger rows written (a change whose delta is zero writes none).
    """
    if not changes and not takes:
        return 0
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


def _apply(changes, takes, document_id, is_reversal):
    now = timezone.now()
    destinations = _destination_keys(takes)
    _create_growing_rows(changes, takes, destinations)
    locked = _lock_quants(changes, takes, destinations)

    # (line, quant key) -> delta, in the order lines were given.
    moves: dict[tuple[int, QuantKey], int] = defaultdict(int)
    shortages: list[Shortage] = []
    balance = {key: q.quantity for key, q in locked.items()}
    for change in changes:
        quant = locked.get(change.key)
        current = balance.get(change.key, 0)
        reserved = quant.reserved if quant else 0
        delta = change.quantity - current if change.set_to else change.quantity
        if current + delta < reserved:
            shortages.append(
                Shortage(
                    product=change.product_id,
                    warehouse=change.warehouse_id,
                    requested=-delta,
                    available=current - reserved,
                    location=change.location_id,
                    lot=change.lot_id,
                )
            )
        elif delta:
            balance[change.key] = current + delta
            moves[(change.document_line_id, change.key)] += delta
    held: dict[tuple[int, int], list[QuantKey]] = defaultdict(list)
    for key, quant in locked.items():
        held[(quant.warehouse_id, key[1])].append(key)
    for take in takes:
        shortage = _allocate(
            take, held[(take.warehouse_id, take.product_id)], locked, balance, moves
        )
        if shortage:
            shortages.append(shortage)
    if shortages:
        raise InsufficientStock(shortages, message=_describe_shortages(shortages))
    moves = {k: d for k, d in moves.items() if d}
    if not moves:
        return 0

    quant_deltas: dict[QuantKey, int] = defaultdict(int)
    for (_, key), delta in moves.items():
        quant_deltas[key] += delta
    quant_deltas = {k: d for k, d in quant_deltas.items() if d}
    for key, delta in quant_deltas.items():
        quant = locked[key]
        _check_bound(quant.quantity + delta)
        if quant.is_serial and quant.quantity + delta > 1:
            raise SerialInStock("A serial number would be in stock twice: it already is here.")

    warehouse_deltas: dict[tuple[int, int], int] = defaultdict(int)
    for key, delta in quant_deltas.items():
        warehouse_deltas[(locked[key].warehouse_id, key[1])] += delta
    warehouse_deltas = {k: d for k, d in warehouse_deltas.items() if d}
    product_deltas: dict[int, int] = defaultdict(int)
    for (_, product_id), delta in warehouse_deltas.items():
        product_deltas[product_id] += delta
    product_deltas = {p: d for p, d in product_deltas.items() if d}  # a transfer nets to zero

    _add_quantities(
        Quant,
        {locked[k].id: d for k, d in quant_deltas.items()},
        now,
        arriving=[locked[k].id for k, d in quant_deltas.items() if d > 0],
    )
    if connection.vendor == "postgresql":
        # Lock and add in one statement per level: fewer round trips while the locks are held.
        # PostgreSQL itself refuses a bigint overflow (DataError, answered as the limit).
        _lock_and_add(WarehouseInventory, warehouse_deltas, now)
        _lock_and_add(Inventory, {(p,): d for p, d in product_deltas.items()}, now)
    else:
        warehouse_rows = _lock_warehouse_rows(sorted(warehouse_deltas))
        totals = _lock_totals(sorted(product_deltas))
        for key, delta in warehouse_deltas.items():
            _check_bound(warehouse_rows[key][1] + delta)
        for product_id, delta in product_deltas.items():
            _check_bound(totals.get(product_id, 0) + delta)
        if warehouse_deltas:
            _add_quantities(
                WarehouseInventory,
                {warehouse_rows[k][0]: d for k, d in warehouse_deltas.items()},
                now,
            )
        if product_deltas:
            _add_quantities(Inventory, product_deltas, now)
    return _write_ledger(moves, locked, document_id, is_reversal, now)


def _allocate(take, keys, locked, balance, moves) -> Shortage | None:
    """Fill ``take`` from the quants it may draw on, in removal order; a Shortage if short.

    ``keys``: the locked quants of the take's warehouse and product.
    """
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
        if balance[key] - quant.reserved > 0:
            candidates.append((removal_order(quant, key), key))
    needed = take.quantity
    for _, key in sorted(candidates):
        if not needed:
            break
        quantity = min(needed, balance[key] - locked[key].reserved)
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


def _check_bound(quantity: int) -> None:
    if quantity > MAX_QUANTITY:
        raise StockLimitExceeded(
            f"A stock quantity would exceed {MAX_QUANTITY}, the largest number the system stores."
        )


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


def key_order(key: QuantKey) -> tuple:
    """The order PostgreSQL sorts (location_id, product_id, lot_id) in: NULL after every id."""
    location_id, product_id, lot_id = key
    return (location_id, product_id, lot_id is None, lot_id or 0)


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


def _lock_and_add(model, deltas: dict[tuple, int], now) -> None:
    """PostgreSQL: lock ``model``'s rows of ``deltas`` ({key columns: delta}) in key order and
    add the deltas, in one statement. The MATERIALIZED CTE emits the rows sorted and locks each
    as it emits it, and the UPDATE touches only rows it has emitted, so the locks are taken in
    the global order; a row changed meanwhile is re-read by the UPDATE (READ COMMITTED)."""
    if not deltas:
        return
    table, columns = model._meta.db_table, _KEYS[model]
    arrays = list(zip(*deltas, strict=True))
    keys = ", ".join("%s::bigint[]" for _ in columns)
    names = ", ".join(f"k{i}" for i in range(len(columns)))
    match = " AND ".join(f"t.{c} = k.k{i}" for i, c in enumerate(columns))
    order = ", ".join(f"t.{c}" for c in columns)
    with connection.cursor() as cursor:
        cursor.execute(
            f"WITH locked AS MATERIALIZED ("
            f"  SELECT t.{model._meta.pk.column} AS pk, k.delta"
            f"  FROM {table} t JOIN unnest({keys}, %s::bigint[]) AS k({names}, delta) ON {match}"
            f"  ORDER BY {order} FOR UPDATE OF t) "
            f"UPDATE {table} AS t SET quantity = t.quantity + locked.delta, updated_at = %s "
            f"FROM locked WHERE t.{model._meta.pk.column} = locked.pk",
            [*map(list, arrays), list(deltas.values()), now],
        )


def _add_quantities(model, deltas: dict[int, int], now, arriving: Sequence[int] = ()) -> None:
    """Add ``deltas`` ({primary key: delta}) to the quantity column in one statement.

    ``arriving`` (quants only): rows receiving stock; one that was empty starts its first-in
    date now.
    """
    if connection.vendor == "postgresql":
        # A join against two arrays: linear in the rows and always two parameters, where a
        # CASE with one branch per row is quadratic (each row walks the branches).
        table, pk = model._meta.db_table, model._meta.pk.column
        received = (
            ", received_at = CASE WHEN t.quantity = 0 AND d.delta > 0 THEN %s "
            "ELSE t.received_at END, holds_serial = t.is_serial AND t.quantity + d.delta > 0"
            if model is Quant
            else ""
        )
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {table} AS t SET quantity = t.quantity + d.delta, updated_at = %s"
                f"{received} FROM unnest(%s::bigint[], %s::bigint[]) AS d(pk, delta) "
                f"WHERE t.{pk} = d.pk",
                [now, *([now] if model is Quant else []), list(deltas), list(deltas.values())],
            )
        return
    quantity = F("quantity") + Case(
        *(When(pk=pk, then=Value(d)) for pk, d in deltas.items()),
        output_field=BigIntegerField(),
    )
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
    model.objects.filter(pk__in=deltas).update(quantity=quantity, updated_at=now, **extra)


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


def _write_ledger(moves, locked, document_id, is_reversal, now) -> int:
    """One row per (line, quant) moved, in quant order, each with the quant's balance after it."""
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
    if connection.vendor == "postgresql":
        # One statement over arrays, column by column: no model instance per row.
        types = ["bigint"] * 9 + ["boolean", "timestamptz"]
        columns = list(zip(*rows, strict=True))
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {StockMovement._meta.db_table} ({', '.join(_LEDGER_COLUMNS)}) "
                f"SELECT * FROM unnest({', '.join(f'%s::{t}[]' for t in types)})",
                [list(c) for c in columns],
            )
    else:
        StockMovement.objects.bulk_create(
            StockMovement(**dict(zip(_LEDGER_COLUMNS, row, strict=True))) for row in rows
        )
    return len(rows)


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
        for s in shortages
    )
    return f"Insufficient stock: {parts}."


# --- products ------------------------------------------------------------------------------


class TrackingInUse(DomainError):
    code = "tracking_in_use"


def product_check_tracking(*, product: Product, tracking: str) -> None:
    """A product's tracking is fixed once it has stock or movements: its lots (or their absence)
    are already in the ledger. Raises TrackingInUse (409)."""
    if product.pk is None or tracking == product.tracking:
        return
    fresh = Product.objects.filter(pk=product.pk).values_list("tracking", flat=True).first()
    if fresh == tracking:
        return
    if (
        StockMovement.objects.filter(product_id=product.pk).exists()
        or Quant.objects.filter(product_id=product.pk, quantity__gt=0).exists()
    ):
        raise TrackingInUse(
            f"{product.sku} has stock or movements; its tracking cannot change from "
            f"{fresh} to {tracking}."
        )


# --- products from CSV ----------------------------------------------------------------------

IMPORT_COLUMNS = ("sku", "name", "barcode", "description", "unit", "price", "is_active")
IMPORT_REQUIRED_COLUMNS = ("sku", "name")
IMPORT_BATCH_SIZE = 2000
_TRUE = frozenset({"1", "true", "t", "yes", "y"})
_FALSE = frozenset({"0", "false", "f", "no", "n"})
_UNITS = {
    **{label.lower(): value for value, label in Unit.choices},
    **{value.lower(): value for value in Unit.values},
}


@dataclass(frozen=True)
class ImportRowError:
    line: int
    sku: str
    messages: tuple[str, ...]

    def __str__(self) -> str:
        return f"line {self.line} ({self.sku or 'no sku'}): {' '.join(self.messages)}"


@dataclass(frozen=True)
class ImportRowOutcome:
    line: int
    sku: str
    action: str  # "create" | "update" | "unchanged"
    changed: tuple[str, ...] = ()


@dataclass
class ProductImportResult:
    dry_run: bool
    columns: tuple[str, ...]
    rows: list[ImportRowOutcome] = field(default_factory=list)
    errors: list[ImportRowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def saved(self) -> bool:
        return self.ok and not self.dry_run

    def count(self, action: str) -> int:
        return sum(1 for row in self.rows if row.action == action)

    def summary(self) -> str:
        counts = (
            f"{self.count('create')} to create, {self.count('update')} to update, "
            f"{self.count('unchanged')} unchanged, {len(self.errors)} with errors"
        )
        if self.saved:
            return (
                f"Imported {len(self.rows)} products: {self.count('create')} created, "
                f"{self.count('update')} updated, {self.count('unchanged')} unchanged."
            )
        if self.ok:
            return f"Dry run, nothing saved: {counts}."
        return f"Nothing imported, the file has errors: {counts}."


def products_import(
    *,
    lines: Iterable[str],
    dry_run: bool = False,
    progress: Callable[[int], None] | None = None,
) -> ProductImportResult:
    """Create and update products by sku from CSV text, in one transaction, all or nothing.

    ``lines`` is CSV text line by line (an open file, or ``text.splitlines(keepends=True)``).
    The header names the columns: sku and name are required; description, unit, price and
    is_active are optional, and a column left out keeps the value of existing products (new ones
    get the defaults). Each value is checked with the model field's own rules. If any row is
    wrong, nothing is saved and every wrong row is reported; a dry run checks and classifies
    every row without saving. Writes are set-based: one lookup and one upsert per batch of
    rows. ``progress`` is called with the number of rows done after each batch.

    Raises ValidationError when the file is not a CSV with a usable header.
    """
    reader = csv.reader(lines)
    columns = _import_header(reader)
    result = ProductImportResult(dry_run=dry_run, columns=columns)
    first_line: dict[str, int] = {}
    with transaction.atomic():
        for batch in _import_batches(reader):
            parsed = []
            rows = [(line, *_import_row(columns, cells)) for line, cells in batch]
            barcode_owners = _import_barcode_owners(rows)
            for line, values, messages in rows:
                sku = values.get("sku", "")
                if sku in first_line:
                    messages.append(f"sku {sku} appears again (first on line {first_line[sku]}).")
                elif sku:
                    first_line[sku] = line
                barcode = values.get("barcode")
                if barcode:
                    owner = barcode_owners.setdefault(barcode, sku)
                    if owner != sku:
                        messages.append(f"barcode {barcode} belongs to {owner}.")
                if messages:
                    result.errors.append(ImportRowError(line, sku, tuple(messages)))
                else:
                    parsed.append((line, values))
            writes = _import_classify(parsed, columns, result)
            if writes and result.saved:
                _import_upsert(writes, columns)
            if progress:
                progress(len(batch))
        if not result.saved:
            transaction.set_rollback(True)
    logger.info("Product import: %s", result.summary())
    return result


def _import_header(reader) -> tuple[str, ...]:
    try:
        header = next(reader)
    except StopIteration:
        raise ValidationError("The file is empty.") from None
    except csv.Error as exc:
        raise ValidationError(f"The header cannot be read as CSV: {exc}.") from None
    columns = tuple(name.strip().lower().lstrip("\ufeff") for name in header)
    problems = []
    unknown = [c for c in columns if c not in IMPORT_COLUMNS]
    if unknown:
        problems.append(
            f"Unknown column(s): {', '.join(unknown)}. Known: {', '.join(IMPORT_COLUMNS)}."
        )
    missing = [c for c in IMPORT_REQUIRED_COLUMNS if c not in columns]
    if missing:
        problems.append(f"Missing column(s): {', '.join(missing)}.")
    if len(set(columns)) != len(columns):
        problems.append("A column appears more than once.")
    if problems:
        raise ValidationError(problems)
    return columns


def _import_batches(reader) -> Iterator[list[tuple[int, list[str]]]]:
    batch = []
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            raise ValidationError(f"Line {reader.line_num} cannot be read as CSV: {exc}.") from None
        if not any(cell.strip() for cell in cells):
            continue  # blank line
        batch.append((reader.line_num, cells))
        if len(batch) == IMPORT_BATCH_SIZE:
            yield batch
            batch = []
    if batch:
        yield batch


def _import_row(columns: tuple[str, ...], cells: list[str]) -> tuple[dict, list[str]]:
    """The row's values, cleaned by the model fields, and what is wrong with it."""
    if len(cells) != len(columns):
        sku = cells[columns.index("sku")].strip() if len(cells) > columns.index("sku") else ""
        return {"sku": sku}, [f"expected {len(columns)} values, found {len(cells)}."]
    values, messages = {}, []
    for column, cell in zip(columns, cells, strict=True):
        text = cell.strip()
        try:
            if column in ("unit", "price", "is_active") and not text:
                raise ValidationError("a value is required.")
            if column == "is_active":
                values[column] = _import_bool(text)
                continue
            if column == "barcode":
                values[column] = barcode_normalize(text)
                continue
            if column == "unit":
                if text.lower() not in _UNITS:
                    raise ValidationError(f"{text!r} is not one of {', '.join(Unit.values)}.")
                text = _UNITS[text.lower()]
            values[column] = Product._meta.get_field(column).clean(text, None)
        except ValidationError as exc:
            if column == "sku":
                values["sku"] = text
            messages.append(f"{column}: {' '.join(exc.messages)}")
    return values, messages


def _import_barcode_owners(rows) -> dict[str, str]:
    """{barcode: sku} of the products that already have a barcode the rows name."""
    wanted = {values["barcode"] for _, values, _ in rows if values.get("barcode")}
    return dict(Product.objects.filter(barcode__in=wanted).values_list("barcode", "sku"))


def _import_bool(text: str) -> bool:
    if text.lower() in _TRUE:
        return True
    if text.lower() in _FALSE:
        return False
    raise ValidationError(f"{text!r} is not a yes/no value (use true/false, yes/no or 1/0).")


def _import_classify(parsed, columns, result: ProductImportResult) -> list[Product]:
    """Record what each valid row would do; return the products to insert or update."""
    if not parsed:
        return []
    compared = [c for c in columns if c != "sku"]
    existing = {
        row["sku"]: row
        for row in Product.objects.filter(sku__in=[values["sku"] for _, values in parsed]).values(
            "sku", *compared
        )
    }
    writes = []
    for line, values in parsed:
        current = existing.get(values["sku"])
        if current is None:
            result.rows.append(ImportRowOutcome(line, values["sku"], "create"))
        else:
            changed = tuple(c for c in compared if current[c] != values[c])
            if not changed:
                result.rows.append(ImportRowOutcome(line, values["sku"], "unchanged"))
                continue
            result.rows.append(ImportRowOutcome(line, values["sku"], "update", changed))
        writes.append(Product(**values))
    return writes


def _import_upsert(products: list[Product], columns: tuple[str, ...]) -> None:
    # INSERT ... ON CONFLICT (sku) DO UPDATE of the given columns only: race-free against a
    # concurrent import of the same sku, and columns the file leaves out are not touched.
    Product.objects.bulk_create(
        products,
        batch_size=IMPORT_BATCH_SIZE,
        update_conflicts=True,
        unique_fields=["sku"],
        update_fields=[c for c in columns if c != "sku"] + ["updated_at"],
    )
