"""Validators shared by every app."""

from django.core.exceptions import ValidationError

# What Code 128 (the symbology of our labels) can draw: printable ASCII, space to tilde. A code
# meant to be printed as bars and scanned back must stay within it; other codes (SKUs, lots,
# location codes) may hold any text and are printed as text where bars cannot carry them.
BARCODE_CHARACTERS = "printable ASCII (space to ~, no accents or emoji)"


def scannable_code(value: str | None) -> None:
    """Refuse a barcode with characters no label could draw."""
    if not value:
        return
    bad = sorted({c for c in value if not " " <= c <= "~"})
    if bad:
        shown = ", ".join(repr(c) for c in bad[:5])
        raise ValidationError(
            f"A barcode may hold only {BARCODE_CHARACTERS}; not {shown}.",
            code="unscannable",
        )


# The range of a bigint column: ids and quantities beyond it are refused before a query is
# built (PostgreSQL's driver raises on them, SQLite stores them silently).
BIGINT_MIN, BIGINT_MAX = -(2**63), 2**63 - 1


def whole_number(value) -> int | None:
    """A whole number as a form or URL carries it, within a bigint; None if it is not one.

    ASCII digits only: str.isdigit() also takes "²", which int() refuses.
    """
    text = str(value).strip()
    digits = text.removeprefix("-")
    if not (digits.isascii() and digits.isdigit() and len(digits) <= 19):
        return None
    number = int(text)
    return number if BIGINT_MIN <= number <= BIGINT_MAX else None


def row_id(value) -> int | None:
    """A row id (a positive whole number within a bigint), or None."""
    number = whole_number(value)
    return number if number is not None and number > 0 else None
