"""Products: the rules about changing one that stock already refers to."""

from inventory.exceptions import (
    DecimalsInUse,
    TrackingInUse,
)
from inventory.models import Product, Quant, StockMovement


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


def product_check_decimals(*, product: Product, decimals: int) -> None:
    """A product's decimals are fixed once any quantity is stored in its steps (stock, the
    ledger, document lines, reorder points, packagings): changing them would silently rescale
    every one of those integers. Raises DecimalsInUse (409)."""
    if product.pk is None or decimals == product.decimals:
        return
    fresh = Product.objects.filter(pk=product.pk).values_list("decimals", flat=True).first()
    if fresh == decimals:
        return
    if products_with_quantities([product.pk]):
        raise DecimalsInUse(
            f"{product.sku} has quantities counted in steps of 10^-{fresh}; its decimals "
            f"cannot change to {decimals}."
        )


def products_with_quantities(product_ids) -> set[int]:
    """Those of ``product_ids`` with a quantity stored in their steps anywhere: stock, the
    ledger, document lines, reorder points or packagings. One query per table."""
    ids = set(product_ids)
    found: set[int] = set()
    # Reverse relations, so that the documents' lines are read without importing documents.
    for relation in ("movements", "quants", "document_lines", "reorder_points", "packagings"):
        if ids - found:
            found |= set(
                Product.objects.filter(pk__in=ids - found, **{f"{relation}__isnull": False})
                .values_list("pk", flat=True)
                .distinct()
            )
    return found
