"""Reads of stock used by more than one caller."""

from dataclasses import dataclass

from django.db import connection, transaction
from django.db.models import QuerySet

from inventory.models import Inventory, StockMovement, WarehouseInventory


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
    """Stock rows in (warehouse, product) order, the order of their unique index."""
    return WarehouseInventory.objects.order_by("warehouse_id", "product_id")


def product_total_list() -> QuerySet[Inventory]:
    return Inventory.objects.order_by("product_id")


def movement_list() -> QuerySet[StockMovement]:
    """The ledger, newest first."""
    return StockMovement.objects.order_by("-id")
