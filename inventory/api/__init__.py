"""Products, packagings, stock, lots, quants, product totals, the movement ledger, reorder
points and scanning over HTTP, one module per resource. Products, packagings, lots and reorder
points are records; stock, totals and movements are read-only here, since only posting a
document changes them.
"""

from inventory.api.lots import LotViewSet
from inventory.api.movements import MovementViewSet
from inventory.api.packagings import PackagingViewSet
from inventory.api.products import ProductViewSet
from inventory.api.quants import QuantViewSet
from inventory.api.reorder_points import ReorderPointViewSet
from inventory.api.scan import ScanView
from inventory.api.stock import ProductTotalViewSet, StockViewSet

__all__ = [
    "LotViewSet",
    "MovementViewSet",
    "PackagingViewSet",
    "ProductTotalViewSet",
    "ProductViewSet",
    "QuantViewSet",
    "ReorderPointViewSet",
    "ScanView",
    "StockViewSet",
]
