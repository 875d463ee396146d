"""Balances as a test reads them: per warehouse, per quant, per product."""

from inventory.models import Inventory, Quant, WarehouseInventory


def stock(warehouse, product) -> int:
    row = WarehouseInventory.objects.filter(warehouse=warehouse, product=product).first()
    return row.quantity if row else 0


def held(product) -> dict:
    """{(location path, lot code): quantity} of a product's quants that hold something."""
    return {
        (q.location.full_path, q.lot.code if q.lot else None): q.quantity
        for q in Quant.objects.filter(product=product, quantity__gt=0).select_related(
            "location__warehouse", "lot"
        )
    }


def total(product) -> int:
    row = Inventory.objects.filter(product=product).first()
    return row.quantity if row else 0
