"""Quantities as people say them and as stock counts them, converted exactly.

Stock is a whole number of *steps* of a product's unit: a product with ``decimals = 3`` in
kilograms counts grams, one with ``decimals = 0`` counts whole units, like money in cents.
A decimal text ("1.25") becomes steps only when it is a whole number of them; otherwise the
refusal names the two nearest quantities that are. Packagings are whole numbers of steps, so
"3 cases" is 3 × the case's steps. Only ``Decimal`` and ``int`` arithmetic: never a float.
"""

import re
from collections.abc import Iterable, Sequence
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError

from wms.filters import BIGINT_MAX as MAX_QUANTITY  # what a stock column holds

MAX_DECIMALS = 6


def steps_per_unit(decimals: int) -> int:
    return 10**decimals


def steps_format(steps: int, decimals: int) -> str:
    """Steps as the decimal text of the unit, with exactly ``decimals`` places: 1250, 3 →
    "1.250"; 36, 0 → "36"."""
    sign = "-" if steps < 0 else ""
    whole, fraction = divmod(abs(steps), steps_per_unit(decimals))
    return f"{sign}{whole}.{fraction:0{decimals}d}" if decimals else f"{sign}{whole}"


def steps_parse(text: str, decimals: int) -> int:
    """The exact steps of a decimal text in the unit; ValidationError when it is not a
    number, finer than the product counts (naming the nearest valid quantities) or too large."""
    if not isinstance(text, str):
        raise ValidationError('A decimal string is required, e.g. "1.25".', code="invalid")
    try:
        value = Decimal(text.strip())
    except InvalidOperation:
        raise ValidationError(
            f'{text!r} is not a decimal number, e.g. "1.25".', code="invalid"
        ) from None
    if not value.is_finite():
        raise ValidationError(f"{text!r} is not a decimal number.", code="invalid")
    # Exponent arithmetic rather than multiplication: 1E+30 must not build a huge context.
    if value.adjusted() > 19:
        raise ValidationError(f"{text} is too large.", code="too_large")
    scaled = value.scaleb(decimals)
    steps = int(scaled.to_integral_value(rounding="ROUND_FLOOR"))
    if scaled != steps:
        lower, upper = steps_format(steps, decimals), steps_format(steps + 1, decimals)
        places = f"to {decimals} decimal{'s' if decimals != 1 else ''}" if decimals else "whole"
        raise ValidationError(
            f"{text.strip()} is finer than this product is counted ({places}); "
            f"the nearest quantities are {lower} and {upper}.",
            code="too_fine",
            params={"lower": lower, "upper": upper},
        )
    if abs(steps) > MAX_QUANTITY:
        raise ValidationError(
            f"{text.strip()} is too large: at most {steps_format(MAX_QUANTITY, decimals)}.",
            code="too_large",
        )
    return steps


def packs_to_steps(packs: int, pack_steps: int) -> int:
    """Whole packs in steps; ValidationError past the largest stock quantity."""
    steps = packs * pack_steps
    if abs(steps) > MAX_QUANTITY:
        largest = MAX_QUANTITY // pack_steps
        raise ValidationError(
            f"{packs} packs of {pack_steps} is too large: at most {largest} packs.",
            code="too_large",
        )
    return steps


def packs_breakdown(steps: int, packs: Iterable[tuple[str, int]]) -> list[tuple[str, int]]:
    """``steps`` as whole packs, largest first, and the rest in the unit (named ""):
    500, [("case", 12), ("pallet", 480)] → [("pallet", 1), ("case", 1), ("", 8)].
    Levels holding nothing are left out; zero is [("", 0)]."""
    sign = -1 if steps < 0 else 1
    rest = abs(steps)
    parts = []
    for code, size in sorted(packs, key=lambda pack: -pack[1]):
        count, rest = divmod(rest, size)
        if count:
            parts.append((code, sign * count))
    if rest or not parts:
        parts.append(("", sign * rest))
    return parts


def packs_text(steps: int, decimals: int, unit: str, packs: Sequence[tuple[str, int, str]]) -> str:
    """What a paper prints: "2 cases + 5 pcs", "1 pallet + 3 cases", "1.250 kg".

    ``packs``: (code, steps, name) of the packagings to break into, in any order."""
    names = {code: name for code, _, name in packs}
    parts = packs_breakdown(steps, [(code, size) for code, size, _ in packs])
    return " + ".join(
        f"{count} {names[code] or code}" if code else f"{steps_format(count, decimals)} {unit}"
        for code, count in parts
    )


def quantity_in_packs(steps: int, decimals: int, unit: str, packs) -> str | None:
    """What a paper prints beside the steps, or None when the steps say it all (no packs,
    counted whole, or less than the smallest pack)."""
    if not packs and not decimals:
        return None
    text = packs_text(steps, decimals, unit, packs or [])
    return None if text == f"{steps} {unit}" else text


def whole_packs_problem(steps: int, pack_sizes: Iterable[int], what: str) -> str | None:
    """Why ``steps`` is not a whole number of the smallest pack a product is ``what``
    (received, shipped) in, naming the nearest whole quantities; None when it is."""
    sizes = sorted(pack_sizes)
    if not sizes:
        return None
    size = sizes[0]
    if steps % size == 0:
        return None
    lower = (steps // size) * size
    return (
        f"this product is {what} in whole packs of {size}: {steps} is not one; "
        f"the nearest are {lower} and {lower + size}."
    )


# A decimal quantity as the API carries it: a signed string; the service checks its places
# against the product's decimals.
DECIMAL_QUANTITY_RE = re.compile(r"-?[0-9]{1,19}(\.[0-9]{1,20})?")
DECIMAL_QUANTITY_SCHEMA = {
    "type": "string",
    "format": "decimal",
    "pattern": r"^-?[0-9]{1,19}(\.[0-9]{1,20})?$",
    "example": "1.250",
}
