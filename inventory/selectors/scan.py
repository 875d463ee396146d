"""What a scanned code names: a product (by barcode, GS1 data or SKU), a lot or a location."""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db.models import (
    Q,
)

from inventory.barcodes import GS1Data, barcode_normalize, gs1_parse
from inventory.models import (
    Product,
)
from warehouses.models import Location


@dataclass(frozen=True)
class Scan:
    """What a scanned code names. ``kind`` is "product" (a barcode or SKU), "location" (a
    location's barcode or full path) or "gs1"."""

    kind: str
    code: str
    product: Product | None
    data: GS1Data = GS1Data()
    location: Location | None = None


def scan_resolve(*, code: str) -> Scan | None:
    """The product (and lot, expiry, serial, count) a scanned code names; None if nothing.

    A product's own barcode or SKU is tried first, exactly (never a prefix or a substring: a
    scanner's code names one thing); then the code is read as a GS1 element string, whose
    (01) GTIN is looked up in its 14-digit form, the form product barcodes are stored in.
    Locations come before GS1: a short numeric shelf label such as "1012" would otherwise read
    as the element string (10) lot "12".
    """
    code = code.strip()
    if not code:
        return None
    try:
        barcode = barcode_normalize(code)
    except ValidationError:
        barcode = None  # GTIN-shaped with a wrong check digit: it can still be a SKU
    matches = Product.objects.filter(Q(sku=code) | Q(barcode=barcode or code))
    by_barcode = {p.barcode: p for p in matches}
    product = by_barcode.get(barcode) or next((p for p in matches if p.sku == code), None)
    if product is not None:
        return Scan("product", code, product)
    location = location_by_code(code)
    if location is not None:
        return Scan("location", code, None, location=location)
    data = gs1_parse(code)
    if data is None:
        return None
    product = Product.objects.filter(barcode=data.gtin).first() if data.gtin else None
    return Scan("gs1", code, product, data)


def location_by_code(code: str) -> Location | None:
    """The location whose barcode is ``code`` or whose full path it is (``MAIN/A/01``, or the
    warehouse code alone for its root; codes as stored), with its warehouse. One query."""
    warehouse_code, slash, path = code.partition("/")
    by_path = Q(warehouse__code=warehouse_code, path=path) if path or not slash else Q()
    found = list(
        Location.objects.filter(Q(barcode=code) | by_path)
        .select_related("warehouse")
        .order_by("pk")[:2]
    )
    return next((loc for loc in found if loc.barcode == code), found[0] if found else None)
