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
