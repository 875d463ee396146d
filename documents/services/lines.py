"""Document lines: the input type and the checks every line passes before it is written."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.db.models import Q

from documents.models import (
    DocType,
    Document,
    Status,
)
from documents.selectors import shipment_returnable
from documents.services.line_quantities import PRODUCT_FIELDS, line_packagings, line_resolve
from inventory.models import Lot, Product, Tracking
from inventory.services import MAX_QUANTITY
from warehouses.models import Location, Warehouse


@dataclass(frozen=True)
class LineInput:
    """One line as given. Its quantity is exactly one of ``quantity`` (stock steps),
    ``unit_quantity`` (a decimal text in the product's unit) or ``packaging`` (a code) with
    ``packaging_quantity`` (whole packs) and, optionally, ``loose_quantity`` (steps beside
    them: "3 cases + 4"); validation returns it with ``quantity`` in steps and, for packs,
    ``packaging_id`` and ``packaging_size`` (the pack's steps then)."""

    product_id: int
    quantity: int | None = None
    location_id: int | None = None
    destination_location_id: int | None = None
    lot: str | None = None  # the lot's (or serial's) code
    expires_on: date | None = None  # receipts: the expiry of a lot they create
    unit_quantity: str | None = None
    packaging: str | None = None
    packaging_quantity: int | None = None
    packaging_id: int | None = None
    packaging_size: int | None = None
    loose_quantity: int | None = None


# Which line fields each type uses; a field given to a type that does not use it is an error.
LOCATION_TYPES = frozenset(DocType.values)


DESTINATION_TYPES = frozenset({DocType.TRANSFER})


EXPIRY_TYPES = frozenset({DocType.RECEIPT})


# Types that put stock at exactly one quant: a tracked product's line must name its lot.
EXACT_TYPES = frozenset({DocType.RECEIPT, DocType.ADJUSTMENT, DocType.COUNT, DocType.RETURN})


def document_validate(
    *,
    doc_type: str,
    warehouse_id: int | None,
    destination_warehouse_id: int | None,
    lines: Sequence[LineInput],
    origin_id: int | None = None,
) -> list[tuple[LineInput, int | None]]:
    """Check a draft against every rule of its type. Raises ValidationError keyed by field.

    Returns each line with the id of its lot (None for a lot a receipt will create, or none).
    """
    errors: dict[str, list[str]] = {}
    if doc_type not in DocType.values:
        raise ValidationError({"doc_type": [f"Unknown document type {doc_type!r}."]})

    wanted = {w for w in (warehouse_id, destination_warehouse_id) if w is not None}
    warehouses = {
        w.pk: w for w in Warehouse.objects.filter(pk__in=wanted).only("code", "is_active")
    }
    for field, wid in (
        ("warehouse", warehouse_id),
        ("destination_warehouse", destination_warehouse_id),
    ):
        if wid is None:
            continue
        if wid not in warehouses:
            errors.setdefault(field, []).append(f"Warehouse {wid} does not exist.")
        elif not warehouses[wid].is_active:
            errors.setdefault(field, []).append(f"Warehouse {warehouses[wid].code} is inactive.")
    if warehouse_id is None:
        errors.setdefault("warehouse", []).append("A warehouse is required.")
    if doc_type == DocType.TRANSFER:
        if destination_warehouse_id is None:
            errors.setdefault("destination_warehouse", []).append(
                "A transfer needs a destination warehouse."
            )
    elif destination_warehouse_id is not None:
        errors.setdefault("destination_warehouse", []).append(
            "Only transfers have a destination warehouse."
        )

    origin, origin_errors = _check_origin(doc_type, origin_id, warehouse_id)
    if origin_errors:
        errors["origin"] = origin_errors
    shipped = _shipped(origin) if origin is not None and lines else None
    resolved, line_errors = _check_lines(
        doc_type, warehouse_id, destination_warehouse_id, lines, shipped
    )
    if line_errors:
        errors["lines"] = line_errors
    if errors:
        raise ValidationError(errors)
    return resolved


def _check_lines(doc_type, warehouse_id, destination_id, lines, shipped=None):
    """``shipped`` (returns): {(product, lot): the shipment's Returnable}, and ``"number"``."""
    if not lines:
        return [], ["A document needs at least one line."]
    errors = []
    # Only the fields the rules read: a 10,000-line receipt must not build 10,000 model objects.
    products = Product.objects.filter(pk__in={line.product_id for line in lines}).only(
        "sku", "is_active", "tracking", *PRODUCT_FIELDS
    )
    products = {p.pk: p for p in products}
    packagings = line_packagings(doc_type, lines, products)
    named = {pk for line in lines for pk in (line.location_id, line.destination_location_id)}
    named.discard(None)
    places = (
        {
            loc["pk"]: loc
            for loc in Location.objects.filter(pk__in=named).values(
                "pk", "warehouse_id", "is_active"
            )
        }
        if named
        else {}
    )
    coded = [line for line in lines if line.lot]
    lots = {}
    if coded:
        match = Q()
        for line in coded:
            match |= Q(product_id=line.product_id, code=line.lot)
        lots = {
            (lot.product_id, lot.code): lot
            for lot in Lot.objects.filter(match).only("product_id", "code", "expires_on")
        }
    internal = doc_type == DocType.TRANSFER and destination_id == warehouse_id
    seen: set[tuple] = set()
    resolved = []
    for n, line in enumerate(lines, start=1):
        product = products.get(line.product_id)
        if product is None:
            errors.append(f"Line {n}: product {line.product_id} does not exist.")
            continue
        problems = []
        key = (line.product_id, line.location_id, line.destination_location_id, line.lot)
        if key in seen:
            errors.append(f"Line {n}: product {product.sku} appears more than once.")
        seen.add(key)
        if not product.is_active:
            errors.append(f"Line {n}: product {product.sku} is inactive.")
        entered, problem = line_resolve(doc_type, line, product, packagings.get(product.pk, []))
        line = entered or line
        problem = problem or _quantity_problem(doc_type, line.quantity, product.tracking)
        if problem:
            problems.append(problem)
        problems += _place_problems(doc_type, line, places, warehouse_id, destination_id, internal)
        lot_problem, lot = _lot_problem(doc_type, line, product, lots)
        if lot_problem:
            problems.append(lot_problem)
        elif shipped is not None and (line.product_id, lot.pk if lot else None) not in shipped:
            what = f"lot {lot.code} of {product.sku}" if lot else product.sku
            problems.append(f"{shipped['number']} did not ship {what}.")
        errors += [f"Line {n} ({product.sku}): {p}" for p in problems]
        resolved.append((line, lot.pk if lot else None))
    return resolved, errors


def _place_problems(doc_type, line, places, warehouse_id, destination_id, internal) -> list[str]:
    problems = []
    for field, pk, warehouse in (
        ("location", line.location_id, warehouse_id),
        ("destination_location", line.destination_location_id, destination_id),
    ):
        if pk is None:
            continue
        if field == "destination_location" and doc_type not in DESTINATION_TYPES:
            problems.append("only transfers have a destination location.")
            continue
        place = places.get(pk)
        if place is None:
            problems.append(f"{field} {pk} does not exist.")
        elif place["warehouse_id"] != warehouse:
            problems.append(
                f"{field} {pk} is not in the {'destination ' if field[0] == 'd' else ''}warehouse."
            )
        elif not place["is_active"]:
            problems.append(f"{field} {pk} is inactive.")
    if internal:
        if line.destination_location_id is None:
            problems.append("a move within one warehouse needs a destination location.")
        elif line.destination_location_id == line.location_id:
            problems.append("the destination location must differ from the source.")
    return problems


def _lot_problem(doc_type, line, product, lots) -> tuple[str | None, Lot | None]:
    if line.expires_on is not None and doc_type not in EXPIRY_TYPES:
        return "only receipts give an expiry date.", None
    if not line.lot:
        if product.tracking != Tracking.NONE and doc_type in EXACT_TYPES:
            return f"product {product.sku} is tracked by {product.tracking}: name the lot.", None
        return None, None
    if product.tracking == Tracking.NONE:
        return f"product {product.sku} is not tracked by lot; leave the lot empty.", None
    lot = lots.get((line.product_id, line.lot))
    if lot is None:
        if doc_type == DocType.RECEIPT:
            return None, None  # created with the draft
        return f"lot {line.lot} of {product.sku} does not exist.", None
    if line.expires_on is not None and lot.expires_on != line.expires_on:
        return (
            f"lot {lot.code} exists and expires on {lot.expires_on or 'no date'}, "
            f"not {line.expires_on}.",
            None,
        )
    return None, lot


def _quantity_problem(doc_type: str, quantity, tracking: str = Tracking.NONE) -> str | None:
    if isinstance(quantity, bool) or not isinstance(quantity, int):
        return "the quantity must be a whole number."
    if abs(quantity) > MAX_QUANTITY:
        return f"the quantity must be between -{MAX_QUANTITY} and {MAX_QUANTITY}."
    if tracking == Tracking.SERIAL and doc_type in EXACT_TYPES and abs(quantity) > 1:
        return "a serial exists once: its quantity is at most 1."
    if doc_type == DocType.ADJUSTMENT:
        return "an adjustment's quantity must not be zero." if quantity == 0 else None
    if doc_type == DocType.COUNT:
        return "a counted quantity must not be negative." if quantity < 0 else None
    return f"a {doc_type}'s quantity must be positive." if quantity <= 0 else None


def _check_origin(doc_type, origin_id, warehouse_id) -> tuple[Document | None, list[str]]:
    """A return's origin: an existing posted shipment of the return's warehouse."""
    if doc_type != DocType.RETURN:
        return None, ["Only returns name an origin."] if origin_id is not None else []
    if origin_id is None:
        return None, ["A return names the posted shipment it returns."]
    origin = (
        Document.objects.filter(pk=origin_id)
        .only("number", "doc_type", "status", "warehouse_id")
        .first()
    )
    if origin is None:
        return None, [f"Document {origin_id} does not exist."]
    if origin.doc_type != DocType.SHIPMENT:
        return None, [f"{origin.number} is a {origin.doc_type}; a return's origin is a shipment."]
    if origin.status != Status.POSTED:
        return None, [f"{origin.number} is {origin.status}; only a posted shipment is returned."]
    if warehouse_id is not None and origin.warehouse_id != warehouse_id:
        return None, [f"{origin.number} left another warehouse; goods return to where they left."]
    return origin, []


def _shipped(origin: Document) -> dict:
    shipped: dict = {
        (r.product_id, r.lot_id): r for r in shipment_returnable(shipment_id=origin.pk)
    }
    shipped["number"] = origin.number
    return shipped
