"""Lots: the one place a lot is made, whoever asks for it (the API, the admin, a draft's lines).

A lot belongs to a product tracked by lot or serial, its code is unique for the product, and it
is a serial exactly when its product is serial-tracked (``is_serial`` is copied once, here).
"""

from collections.abc import Mapping
from datetime import date

from django.core.exceptions import ValidationError
from django.db.models import Q

from inventory.models import Lot, Product, Tracking

SERIAL = Tracking.SERIAL


def lot_check(*, product: Product, code: str, lot: Lot | None = None) -> None:
    """Refuse a lot for an untracked product, or a code its product already has (other than
    ``lot`` itself, when one is edited). Raises ValidationError keyed by field."""
    if product.tracking == Tracking.NONE:
        raise ValidationError({"product": [f"{product.sku} is not tracked by lot."]})
    taken = Lot.objects.filter(product=product, code=code)
    if lot is not None and lot.pk is not None:
        taken = taken.exclude(pk=lot.pk)
    if taken.exists():
        raise ValidationError({"code": [f"{product.sku} already has a lot {code}."]})


def lot_create(*, product: Product, code: str, expires_on: date | None = None) -> Lot:
    """Make one lot of ``product``. Raises ValidationError (see ``lot_check``)."""
    lot_check(product=product, code=code)
    return Lot.objects.create(
        product=product,
        code=code,
        expires_on=expires_on,
        is_serial=product.tracking == Tracking.SERIAL,
    )


def lots_create(*, wanted: Mapping[tuple[int, str], date | None]) -> dict[tuple[int, str], int]:
    """Make the lots ``wanted`` ({(product id, code): expiry}) that do not exist yet, in two
    statements whatever their number; a lot made meanwhile by someone else is kept as it is.
    Returns {(product id, code): lot id}. Raises ValidationError for an untracked product."""
    if not wanted:
        return {}
    tracking = dict(
        Product.objects.filter(pk__in={p for p, _ in wanted}).values_list("pk", "tracking")
    )
    untracked = sorted({p for p, _ in wanted if tracking.get(p) == Tracking.NONE})
    if untracked:
        raise ValidationError(
            {"product": [f"Product {p} is not tracked by lot." for p in untracked]}
        )
    # Race-free against a concurrent draft naming the same new lot; sorted like every insert.
    Lot.objects.bulk_create(
        [
            Lot(
                product_id=p,
                code=code,
                expires_on=expires,
                is_serial=tracking[p] == Tracking.SERIAL,
            )
            for (p, code), expires in sorted(wanted.items())
        ],
        ignore_conflicts=True,
    )
    match = Q()
    for p, code in wanted:
        match |= Q(product_id=p, code=code)
    return {
        (p, code): pk
        for pk, p, code in Lot.objects.filter(match).values_list("pk", "product_id", "code")
    }
