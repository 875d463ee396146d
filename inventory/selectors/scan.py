"""What a scanned code names: a product (by barcode, GS1 data or SKU), a lot or a location."""

import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db.models import (
    Q,
)

from inventory.barcodes import GS1Data, barcode_normalize, gs1_parse
from inventory.models import (
    Packaging,
    Product,
)
from inventory.quantities import packs_to_steps, steps_parse
from warehouses.models import Location

# The symbology identifier a scanner set up for GS1 sends first: "]" + a letter + a modifier
# (]C1 GS1-128, ]d2 GS1 DataMatrix, ]Q3 GS1 QR, ]e0 GS1 DataBar, ]E0 EAN-13 ...).
AIM_PREFIX = re.compile(r"^\][A-Za-z][0-9A-Za-z]")


@dataclass(frozen=True)
class Scan:
    """What a scanned code names. ``kind`` is "product" (a product's or packaging's barcode,
    or a SKU), "location" (a location's barcode or full path) or "gs1".

    ``quantity`` is what one scan adds, in the product's stock steps (a case: its steps; a
    (37) count of cases: count × case; a net weight: its exact steps), None for "one unit";
    ``problem`` says why the code cannot be counted (a weight finer than the product counts)."""

    kind: str
    code: str
    product: Product | None
    data: GS1Data = GS1Data()
    location: Location | None = None
    packaging: Packaging | None = None
    quantity: int | None = None
    problem: str | None = None


def scan_resolve(*, code: str) -> Scan | None:
    """The product (and lot, expiry, serial, count) a scanned code names; None if nothing.

    A product's own barcode or SKU is tried first, exactly (never a prefix or a substring: a
    scanner's code names one thing); then the code is read as a GS1 element string, whose
    (01) GTIN is looked up in its 14-digit form, the form product barcodes are stored in.
    Locations come before GS1: a short numeric shelf label such as "1012" would otherwise read
    as the element string (10) lot "12".
    """
    code = AIM_PREFIX.sub("", code.strip(), count=1)
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
    pack = packaging_by_barcode(barcode or code)
    if pack is not None:
        return Scan("product", code, pack.product, packaging=pack, quantity=pack.quantity)
    location = location_by_code(code)
    if location is not None:
        return Scan("location", code, None, location=location)
    data = gs1_parse(code)
    if data is None:
        return _case_blind(code)
    return _gs1_scan(code, data)


def packaging_by_barcode(barcode: str | None) -> Packaging | None:
    if not barcode:
        return None
    return Packaging.objects.filter(barcode=barcode).select_related("product").first()


def _gs1_scan(code: str, data: GS1Data) -> Scan:
    """(01) names a product or a packaging (a case); (02) names what a logistic unit holds,
    (37) how many of it. A net weight fills the quantity of a product counted in its unit."""
    gtin = data.content or data.gtin
    product = Product.objects.filter(barcode=gtin).first() if gtin else None
    pack = packaging_by_barcode(gtin) if gtin and product is None else None
    if pack is not None:
        product = pack.product
    quantity, problem = data.quantity, None
    try:
        if data.net_weight is not None and product is not None:
            quantity, problem = _weight_steps(product, data)
        elif pack is not None:
            quantity = packs_to_steps(data.quantity or 1, pack.quantity)
    except ValidationError as exc:
        problem = exc.messages[0]
    return Scan("gs1", code, product, data, packaging=pack, quantity=quantity, problem=problem)


def _weight_steps(product: Product, data: GS1Data) -> tuple[int | None, str | None]:
    if product.unit != data.weight_unit:
        return None, (
            f"{product.sku} is counted in {product.unit}; this label gives a net weight "
            f"in {data.weight_unit}."
        )
    return steps_parse(str(data.net_weight), product.decimals), None


def _case_blind(code: str) -> Scan | None:
    """A code typed or printed in another case (a scanner with caps lock, a lower-case label)
    names what it names in any case, when exactly one product or else one location has it."""
    products = list(Product.objects.filter(Q(sku__iexact=code) | Q(barcode__iexact=code))[:2])
    if len(products) == 1:
        return Scan("product", code, products[0])
    if products:
        return None
    warehouse_code, slash, path = code.partition("/")
    by_path = Q(warehouse__code__iexact=warehouse_code, path__iexact=path) if path else Q()
    locations = list(
        Location.objects.filter(Q(barcode__iexact=code) | by_path).select_related("warehouse")[:2]
    )
    return Scan("location", code, None, location=locations[0]) if len(locations) == 1 else None


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


def barcode_taken(barcode: str | None, *, product=None, packaging=None) -> str | None:
    """What else has ``barcode`` (stored form), leaving out ``product`` / ``packaging``
    themselves: "another product", "a packaging" or None. The database holds the same rule
    (uq_barcodes_products_packagings); this check is for a clear message."""
    if not barcode:
        return None
    products = Product.objects.filter(barcode=barcode)
    packagings = Packaging.objects.filter(barcode=barcode)
    if product is not None and product.pk is not None:
        products = products.exclude(pk=product.pk)
    if packaging is not None and packaging.pk is not None:
        packagings = packagings.exclude(pk=packaging.pk)
    if products.exists():
        return "another product"
    if packagings.exists():
        return "a packaging"
    return None


def packs_of(product_ids, *, shipping: bool = False) -> dict[int, list[tuple[str, int, str]]]:
    """{product: [(code, steps, name), ...]} of the products' packagings, in one query: what
    papers break a quantity into ("2 case of 12 + 5 pcs"). Shipping papers use only those that
    may ship: a product's can_ship flags choose how it is picked and counted on them."""
    packs = Packaging.objects.filter(product_id__in=set(product_ids))
    if shipping:
        packs = packs.filter(can_ship=True)
    found: dict[int, list[tuple[str, int, str]]] = {}
    for product_id, code, quantity, name in packs.values_list(
        "product_id", "code", "quantity", "name"
    ):
        found.setdefault(product_id, []).append((code, quantity, name or code))
    return found
