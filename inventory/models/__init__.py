"""Inventory's tables: the catalogue (products, lots, reorder points) and stock (quants,
warehouse rows, totals, the ledger, reservation rows). Callers import from here."""

from inventory.models.catalogue import Lot, Product, ReorderPoint, Tracking, Unit
from inventory.models.stock import (
    Inventory,
    Quant,
    StockMovement,
    StockReservation,
    WarehouseInventory,
    reserved_checks,
)

# In a module of its own beside the app's models; imported here so the app registers it.
from inventory.packagings import Packaging  # noqa: E402

__all__ = [
    "Inventory",
    "Lot",
    "Packaging",
    "Product",
    "Quant",
    "ReorderPoint",
    "StockMovement",
    "StockReservation",
    "Tracking",
    "Unit",
    "WarehouseInventory",
    "reserved_checks",
]
