"""Inventory services: the stock engine (``stock_apply``, the one place where stock changes),
products, and the product and packaging imports. Callers import from here; each concern has
its module.
"""

from inventory.exceptions import DecimalsInUse, TrackingInUse
from inventory.services.lots import lot_check, lot_create, lots_create
from inventory.services.packaging_import import (
    PACKAGING_COLUMNS,
    PACKAGING_REQUIRED_COLUMNS,
    packagings_export,
    packagings_import,
)
from inventory.services.product_import import (
    IMPORT_BATCH_SIZE,
    IMPORT_COLUMNS,
    IMPORT_REQUIRED_COLUMNS,
    ImportRowError,
    ImportRowOutcome,
    ProductImportResult,
    products_import,
)
from inventory.services.products import product_check_decimals, product_check_tracking
from inventory.services.reserving import (
    Reservation,
    reserved_per_line,
    stock_check_shipped,
    stock_consume,
    stock_release,
    stock_reservations,
    stock_reserve,
    stock_reverse,
)
from inventory.services.stock import stock_apply
from inventory.services.stock_types import (
    MAX_QUANTITY,
    QuantKey,
    StockChange,
    StockResult,
    StockTake,
    key_order,
    removal_order,
)

__all__ = [
    "DecimalsInUse",
    "IMPORT_BATCH_SIZE",
    "IMPORT_COLUMNS",
    "IMPORT_REQUIRED_COLUMNS",
    "ImportRowError",
    "ImportRowOutcome",
    "MAX_QUANTITY",
    "ProductImportResult",
    "QuantKey",
    "Reservation",
    "StockChange",
    "StockResult",
    "StockTake",
    "TrackingInUse",
    "key_order",
    "lot_check",
    "lot_create",
    "lots_create",
    "product_check_decimals",
    "product_check_tracking",
    "products_import",
    "packagings_export",
    "packagings_import",
    "PACKAGING_COLUMNS",
    "PACKAGING_REQUIRED_COLUMNS",
    "removal_order",
    "reserved_per_line",
    "stock_apply",
    "stock_check_shipped",
    "stock_consume",
    "stock_release",
    "stock_reservations",
    "stock_reserve",
    "stock_reverse",
]
