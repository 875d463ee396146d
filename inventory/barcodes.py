"""Barcodes as the warehouse floor scans and prints them: GTINs and GS1 element strings.

Parsing and check digits are biip's (a maintained GS1 library), drawing is python-barcode's;
neither is ours. GTINs are stored in
their 14-digit form, as GS1 recommends for databases: a GTIN-13 printed on a box and the same
GTIN inside a GS1-128 string ((01) is always 14 digits, with a leading 0) are then one value,
and the unique constraint on the column holds for both spellings.
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import barcode as python_barcode
from barcode.writer import SVGWriter
from biip import ParseError
from biip.gs1_messages import GS1Message
from biip.gtin import Gtin
from django.core.exceptions import ValidationError
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from wms.validators import scannable_code

GTIN_LENGTHS = (8, 12, 13, 14)
# Keyboard-wedge scanners send the FNC1 group separator as ASCII 29 when configured to, and
# some as a visible replacement; HRI text "(01)...(10)..." is what people type from a label.
_GROUP_SEPARATORS = ("\x1d", "<GS>")


def is_gtin_shaped(code: str) -> bool:
    return code.isdigit() and len(code) in GTIN_LENGTHS


def barcode_normalize(value: str | None) -> str | None:
    """The stored form of a product barcode: None for none, a GTIN as its 14 digits.

    Anything all digits of a GTIN's length must carry the right check digit; other codes
    (internal labels, Code 128 text) are kept as typed, without surrounding spaces.
    """
    code = (value or "").strip()
    if not code:
        return None
    scannable_code(code)
    if is_gtin_shaped(code):
        try:
            return Gtin.parse(code).as_gtin_14()
        except ParseError:
            raise ValidationError(
                f"{code} is not a valid GTIN: its check digit is wrong.", code="bad_check_digit"
            ) from None
    return code


@dataclass(frozen=True)
class GS1Data:
    gtin: str | None = None  # 14 digits
    lot: str | None = None
    expires_on: date | None = None
    serial: str | None = None
    quantity: int | None = None
    # (02): the GTIN of the trade items a logistic unit contains, counted by (37).
    content: str | None = None
    # (310n) kilograms or (320n) pounds, as biip reads them: a Decimal with the n places.
    net_weight: Decimal | None = None
    weight_unit: str | None = None  # "kg" or "lb"


# Net weight AIs: (310n) in kilograms, (320n) in pounds; n is the number of decimals.
_WEIGHT_UNITS = {"310": "kg", "320": "lb"}


def gs1_parse(code: str) -> GS1Data | None:
    """The (01) GTIN, (02) content, (10) lot, (17) expiry, (21) serial, (30)/(37) count and
    (310n)/(320n) net weight of a GS1 element string, in bracketed HRI or raw form; None when
    the code is not one."""
    text = code.strip()
    for separator in _GROUP_SEPARATORS[1:]:
        text = text.replace(separator, _GROUP_SEPARATORS[0])
    try:
        message = GS1Message.parse_hri(text) if text.startswith("(") else GS1Message.parse(text)
    except ParseError:
        return None
    found = {element.ai.ai: element for element in message.element_strings}
    weight = next((e for ai, e in found.items() if ai[:3] in _WEIGHT_UNITS), None)
    if not found.keys() & {"01", "02", "10", "17", "21", "30", "37"} and weight is None:
        return None
    gtin = found.get("01")
    content = found.get("02")
    if any(element is not None and element.gtin is None for element in (gtin, content)):
        return None  # a GTIN with a wrong check digit: not a code to act on
    expiry = found.get("17")
    count = found.get("30") or found.get("37")
    return GS1Data(
        gtin=gtin.gtin.as_gtin_14() if gtin else None,
        content=content.gtin.as_gtin_14() if content else None,
        net_weight=weight.decimal if weight else None,
        weight_unit=_WEIGHT_UNITS[weight.ai.ai[:3]] if weight else None,
        lot=found["10"].value if "10" in found else None,
        expires_on=expiry.date if expiry else None,
        serial=found["21"].value if "21" in found else None,
        quantity=int(count.value) if count else None,
    )


def barcode_svg(code: str, *, text: bool = True) -> SafeString:
    """An inline SVG of ``code`` drawn by python-barcode: EAN-13 for a GTIN that has that
    form (what retail scanners read); a case's GTIN-14 and anything else (SKUs, document
    numbers, location codes) as Code 128. Safe in HTML: python-barcode writes the SVG with
    an XML library, which escapes the text under the bars.

    A code Code 128 cannot carry (accents, emoji: SKUs and lot codes are free text) is printed
    as text instead, so a paper always renders."""
    if not code or any(not " " <= c <= "~" for c in code):
        # What no symbology here can carry; python-barcode fails on it (or on nothing at all).
        return format_html('<span class="code-as-text">{}</span>', code)
    if is_gtin_shaped(code) and len(code) == 14 and code.startswith("0"):
        symbol = python_barcode.get("ean13", code[1:13], writer=SVGWriter())
    else:
        symbol = python_barcode.get("code128", code, writer=SVGWriter())
    return _svg(symbol, text)


def gtin14_svg(gtin: str) -> SafeString:
    """A case's GTIN-14 as ITF-14, the symbology GS1 gives to GTINs printed on corrugated
    cases; scanners send its 14 digits, which the scan endpoint finds as the packaging."""
    if not (is_gtin_shaped(gtin) and len(gtin) == 14):
        return barcode_svg(gtin)
    return _svg(python_barcode.get("itf", gtin, writer=SVGWriter()), True)


def _svg(symbol, text: bool) -> SafeString:
    svg = symbol.render(
        {
            "module_height": 10.0,
            "font_size": 7,
            "text_distance": 4,
            "quiet_zone": 2,
            "write_text": text,
        }
    ).decode()
    return mark_safe(svg[svg.index("<svg") :])  # noqa: S308 - no XML prolog inside HTML
