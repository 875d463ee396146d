"""Reads of stock used by more than one caller."""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import (
    BigIntegerField,
    Case,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.db.models.lookups import LessThan

from inventory.barcodes import GS1Data, barcode_normalize, gs1_parse
from inventory.models import (
    Inventory,
    Product,
    ReorderPoint,
    StockMovement,
    WarehouseInventory,
)


@dataclass(frozen=True)
class Mismatch:
    kind: str  # "ledger" | "total" | "negative"
    warehouse: int | None
    product: int
    expected: int
    actual: int

    def __str__(self) -> str:
        if self.kind == "ledger":
            return (
                f"stock of product {self.product} in warehouse {self.warehouse} is "
                f"{self.actual}, the ledger sums to {self.expected}"
            )
        if self.kind == "total":
            return (
                f"total of product {self.product} is {self.actual}, "
                f"its stock rows sum to {self.expected}"
            )
        where = f" in warehouse {self.warehouse}" if self.warehouse is not None else " (total)"
        return f"quantity of product {self.product}{where} is negative: {self.actual}"


# FULL OUTER JOINs so that a row on either side without its twin is reported too.
_LEDGER_VS_STOCK = """
    SELECT COALESCE(l.warehouse_id, s.warehouse_id), COALESCE(l.product_id, s.product_id),
           COALESCE(l.total, 0), COALESCE(s.quantity, 0)
    FROM (SELECT warehouse_id, product_id, SUM(quantity) AS total
          FROM stock_movements GROUP BY warehouse_id, product_id) l
    FULL OUTER JOIN warehouse_inventory s
        ON s.warehouse_id = l.warehouse_id AND s.product_id = l.product_id
    WHERE COALESCE(l.total, 0) <> COALESCE(s.quantity, 0)
    ORDER BY 1, 2
"""
_STOCK_VS_TOTALS = """
    SELECT COALESCE(s.product_id, t.product_id), COALESCE(s.total, 0), COALESCE(t.quantity, 0)
    FROM (SELECT product_id, SUM(quantity) AS total
          FROM warehouse_inventory GROUP BY product_id) s
    FULL OUTER JOIN inventory t ON t.product_id = s.product_id
    WHERE COALESCE(s.total, 0) <> COALESCE(t.quantity, 0)
    ORDER BY 1
"""
_NEGATIVE = """
    SELECT warehouse_id, product_id, quantity FROM warehouse_inventory WHERE quantity < 0
    UNION ALL
    SELECT NULL, product_id, quantity FROM inventory WHERE quantity < 0
"""


def stock_mismatches() -> list[Mismatch]:
    """Every place where stock, the ledger and the totals disagree, or a quantity is negative.

    Runs in one REPEATABLE READ snapshot on PostgreSQL so concurrent postings cannot show up as
    false mismatches between the three queries.
    """
    found: list[Mismatch] = []
    outermost = not connection.in_atomic_block
    with transaction.atomic(), connection.cursor() as cursor:
        if outermost and connection.vendor == "postgresql":
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        cursor.execute(_LEDGER_VS_STOCK)
        found += [Mismatch("ledger", w, p, exp, act) for w, p, exp, act in cursor.fetchall()]
        cursor.execute(_STOCK_VS_TOTALS)
        found += [Mismatch("total", None, p, exp, act) for p, exp, act in cursor.fetchall()]
        cursor.execute(_NEGATIVE)
        found += [Mismatch("negative", w, p, 0, q) for w, p, q in cursor.fetchall()]
    return found


def product_stock(*, product_id: int) -> QuerySet[WarehouseInventory]:
    """A product's stock rows, one per warehouse that has held it, by warehouse code."""
    return (
        WarehouseInventory.objects.filter(product_id=product_id)
        .select_related("warehouse")
        .order_by("warehouse__code")
    )


def warehouse_stock(*, warehouse_id: int) -> QuerySet[WarehouseInventory]:
    """A warehouse's stock rows by product sku."""
    return (
        WarehouseInventory.objects.filter(warehouse_id=warehouse_id)
        .select_related("product")
        .order_by("product__sku")
    )


def product_movements(*, product_id: int) -> QuerySet[StockMovement]:
    """A product's ledger, newest first, with what each row links to."""
    return (
        StockMovement.objects.filter(product_id=product_id)
        .select_related("warehouse", "document")
        .order_by("-id")
    )


def stock_list() -> QuerySet[WarehouseInventory]:
    """Stock rows in (warehouse, product) order, the order of their unique index, with what
    is available and, where a reorder point is set, how much to order to reach its target."""
    point = ReorderPoint.objects.filter(
        warehouse_id=OuterRef("warehouse_id"), product_id=OuterRef("product_id")
    )
    return (
        WarehouseInventory.objects.annotate(
            available=F("quantity"),
            min_quantity=Subquery(point.values("min_quantity")),
            target_quantity=Subquery(point.values("target_quantity")),
        )
        .annotate(to_order=_to_order())
        .order_by("warehouse_id", "product_id")
    )


def _to_order():
    """target - available when short of the target, else 0; NULL without a reorder point."""
    return Case(
        When(target_quantity__isnull=True, then=None),
        When(available__lt=F("target_quantity"), then=F("target_quantity") - F("available")),
        default=Value(0),
        output_field=BigIntegerField(),
    )


def below_reorder_point(rows: QuerySet, *, short: bool = True) -> QuerySet:
    """The rows (stock or reorder points, annotated with available and min_quantity) that
    are short, with less available than their reorder point's minimum; or, ``short=False``,
    all the others."""
    below = Q(min_quantity__isnull=False, available__lt=F("min_quantity"))
    return rows.filter(below) if short else rows.exclude(pk__in=rows.filter(below).values("pk"))


def reorder_point_list() -> QuerySet[ReorderPoint]:
    """Reorder points with the stock available for each, a product never stocked counting 0
    (so it is short too), and how much to order to reach the target."""
    stock = WarehouseInventory.objects.filter(
        warehouse_id=OuterRef("warehouse_id"), product_id=OuterRef("product_id")
    )
    return (
        ReorderPoint.objects.annotate(
            available=Coalesce(Subquery(stock.values("quantity")), Value(0))
        )
        .annotate(to_order=_to_order())
        .order_by("warehouse_id", "product_id")
    )


def product_total_list() -> QuerySet[Inventory]:
    return Inventory.objects.order_by("product_id")


def movement_balances(*, movement_ids: list[int]) -> dict[int, int]:
    """{movement id: the stock of its product in its warehouse right after it}, for a page
    of the ledger, in one query.

    Each balance is summed from the nearer end of its (warehouse, product) history: the
    movements up to it, or today's stock less the ones after it (the ledger equals the stock,
    which reconcile_stock checks). Which end is nearer is judged by ids, so neither an old nor
    a new page reads more than half of a pair's history per row.
    """
    pair = {"warehouse_id": OuterRef("warehouse_id"), "product_id": OuterRef("product_id")}
    history = StockMovement.objects.filter(**pair).order_by()

    def total(rows):
        return Coalesce(
            Subquery(rows.values("product_id").annotate(t=Sum("quantity")).values("t")),
            Value(0),
        )

    stock = WarehouseInventory.objects.filter(**pair).values("quantity")
    rows = StockMovement.objects.filter(id__in=movement_ids).annotate(
        first_id=Subquery(history.order_by("id").values("id")[:1]),
        last_id=Subquery(history.order_by("-id").values("id")[:1]),
    )
    rows = rows.annotate(
        balance=Case(
            When(
                LessThan(F("id") - F("first_id"), F("last_id") - F("id")),
                then=total(history.filter(id__lte=OuterRef("id"))),
            ),
            default=Coalesce(Subquery(stock), Value(0))
            - total(history.filter(id__gt=OuterRef("id"))),
            output_field=BigIntegerField(),
        )
    )
    return dict(rows.order_by().values_list("id", "balance"))


def movement_list() -> QuerySet[StockMovement]:
    """The ledger, newest first."""
    return StockMovement.objects.order_by("-id")


@dataclass(frozen=True)
class Scan:
    """What a scanned code names. ``kind`` is "product" (a barcode or SKU) or "gs1"."""

    kind: str
    code: str
    product: Product | None
    data: GS1Data = GS1Data()


def scan_resolve(*, code: str) -> Scan | None:
    """The product (and lot, expiry, serial, count) a scanned code names; None if nothing.

    A product's own barcode or SKU is tried first, exactly (never a prefix or a substring: a
    scanner's code names one thing); then the code is read as a GS1 element string, whose
    (01) GTIN is looked up in its 14-digit form, the form product barcodes are stored in.
    """
    code = code.strip()
    if not code:
        return None
    try:
        barcode = barcode_normalize(code)
    except ValidationError:
        barcode = None  # GTIN-shaped with a wrong check digit: it can still be a SKU
    matches = Product.objects.filter(Q(sku=code) | Q(barcode=barcode or code))
    by_barcode = {p.barcode: p for p in matches}
    product = by_barcode.get(barcode) or next((p for p in matches if p.sku == code), None)
    if product is not None:
        return Scan("product", code, product)
    data = gs1_parse(code)
    if data is None:
        return None
    product = Product.objects.filter(barcode=data.gtin).first() if data.gtin else None
    return Scan("gs1", code, product, data)


def available_quantity(*, warehouse_id: int, product_id: int) -> int:
    """What a warehouse has of a product for new outbound lines."""
    row = WarehouseInventory.objects.filter(warehouse_id=warehouse_id, product_id=product_id)
    return row.values_list("quantity", flat=True).first() or 0
