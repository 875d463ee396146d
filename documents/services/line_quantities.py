"""A line's quantity from what was entered: stock steps, a decimal in the product's unit, or
whole packs of one of its packagings (inventory.quantities converts, exactly)."""

from dataclasses import replace

from django.core.exceptions import ValidationError

from documents.models import DocType
from inventory.models import Packaging
from inventory.quantities import MAX_QUANTITY, packs_to_steps, steps_parse, whole_packs_problem

# Which packagings a type may be entered in, and which whole-pack rule of the product it obeys.
PACK_RULES = {
    DocType.RECEIPT: ("can_receive", "receive_whole_packs", "received"),
    DocType.SHIPMENT: ("can_ship", "ship_whole_packs", "shipped"),
}

PRODUCT_FIELDS = ("decimals", "receive_whole_packs", "ship_whole_packs")


def line_packagings(doc_type: str, lines, products) -> dict[int, list[Packaging]]:
    """The packagings the lines need, in one query (none when no line needs one): those of
    the products of lines entered in packs, or that must come or go in whole packs."""
    rule = PACK_RULES.get(doc_type)
    wanted = {line.product_id for line in lines if line.packaging}
    if rule is not None:
        wanted |= {pk for pk, product in products.items() if getattr(product, rule[1])}
    found: dict[int, list[Packaging]] = {}
    if wanted:
        packs = Packaging.objects.filter(product_id__in=wanted).only(
            "product_id", "code", "quantity", "can_receive", "can_ship"
        )
        for pack in packs:
            found.setdefault(pack.product_id, []).append(pack)
    return found


def line_resolve(doc_type: str, line, product, packagings: list[Packaging]):
    """(the line with its quantity in steps and its packaging, None) or (None, the problem)."""
    given = [
        name
        for name, value in (
            ("quantity", line.quantity),
            ("unit_quantity", line.unit_quantity),
            ("packaging", line.packaging),
        )
        if value is not None
    ]
    if len(given) != 1:
        return None, (
            "give exactly one of quantity, unit_quantity or packaging with packaging_quantity"
            + (f", not {' and '.join(given)}." if given else ".")
        )
    if line.packaging_id is None:
        if (line.packaging is None) != (line.packaging_quantity is None):
            return None, "packaging and packaging_quantity go together."
        if line.loose_quantity is not None and line.packaging is None:
            return None, "loose_quantity goes with packaging and packaging_quantity."
    rule = PACK_RULES.get(doc_type)
    if line.unit_quantity is not None:
        try:
            line = replace(line, quantity=steps_parse(line.unit_quantity, product.decimals))
        except ValidationError as exc:
            return None, f"unit_quantity: {exc.messages[0]}"
    elif line.packaging is not None:
        line, problem = _in_packs(line, product, packagings, rule)
        if problem:
            return None, problem
    if rule is not None and getattr(product, rule[1]) and isinstance(line.quantity, int):
        sizes = [p.quantity for p in packagings if getattr(p, rule[0])]
        if not sizes:
            return None, f"this product is {rule[2]} in whole packs but has no such packaging."
        problem = whole_packs_problem(line.quantity, sizes, rule[2])
        if problem:
            return None, problem
    return line, None


def _in_packs(line, product, packagings, rule):
    pack = next((p for p in packagings if p.code == line.packaging), None)
    if pack is None:
        return line, f"{product.sku} has no packaging {line.packaging!r}."
    if rule is not None and not getattr(pack, rule[0]):
        return line, f"packaging {pack.code} of {product.sku} may not be {rule[2]}."
    count, loose = line.packaging_quantity, line.loose_quantity
    if isinstance(count, bool) or not isinstance(count, int):
        return line, "packaging_quantity must be a whole number of packs."
    if loose is not None:
        # "3 cases + 4": counted goods, never negative; an adjustment's sign goes on packs alone.
        if isinstance(loose, bool) or not isinstance(loose, int) or loose < 0 or count < 0:
            return line, (
                "loose_quantity is a whole number of steps, 0 or more, beside 0 or more packs."
            )
    try:
        steps = packs_to_steps(count, pack.quantity)
    except ValidationError as exc:
        return line, exc.messages[0]
    if loose and steps + loose > MAX_QUANTITY:
        return line, f"{count} {pack.code} + {loose} is too large: at most {MAX_QUANTITY}."
    steps += loose or 0
    return replace(line, quantity=steps, packaging_id=pack.pk, packaging_size=pack.quantity), None
