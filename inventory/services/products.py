"""Products: the rules about changing one that stock already refers to."""

from inventory.exceptions import (
    TrackingInUse,
)
from inventory.models import (
    Product,
    Quant,
    StockMovement,
)


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
