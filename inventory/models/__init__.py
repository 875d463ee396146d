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

__all__ = [
    "Inventory",
    "Lot",
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
