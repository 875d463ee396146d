"""Reads of stock used by more than one caller: stock and the ledger, the stock check, scanning.
Callers import from here; each concern has its module.
"""

from inventory.selectors.checks import Mismatch, register_check, stock_mismatches
from inventory.selectors.ledger import LineMove, line_moves
from inventory.selectors.scan import (
    Scan,
    barcode_taken,
    location_by_code,
    packs_of,
    scan_resolve,
)
from inventory.selectors.stock import (
    EXPIRING_SOON_DAYS,
    available_by_product,
    available_quantity,
    below_reorder_point,
    location_stock,
    lot_quantity,
    lots_expiring_in_stock,
    movement_balances,
    movement_list,
    product_movements,
    product_stock,
    product_total_list,
    quant_list,
    quants_to_count,
    reorder_point_list,
    stock_as_of,
    stock_by_product,
    stock_list,
    warehouse_stock,
    warehouse_stock_as_of,
)

__all__ = [
    "EXPIRING_SOON_DAYS",
    "LineMove",
    "Mismatch",
    "Scan",
    "available_by_product",
    "available_quantity",
    "below_reorder_point",
    "line_moves",
    "location_by_code",
    "location_stock",
    "lot_quantity",
    "lots_expiring_in_stock",
    "movement_balances",
    "movement_list",
    "product_movements",
    "product_stock",
    "product_total_list",
    "quant_list",
    "quants_to_count",
    "reorder_point_list",
    "scan_resolve",
    "barcode_taken",
    "packs_of",
    "stock_as_of",
    "warehouse_stock_as_of",
    "stock_by_product",
    "stock_list",
    "register_check",
    "stock_mismatches",
    "warehouse_stock",
]
