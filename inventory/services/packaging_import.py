"""Packagings from and to CSV, beside the product import: one transaction, every row checked.

A packaging is keyed by its product's sku and its code; ``quantity`` is the exact whole number
of the product's stock steps in one pack (a case of 12 pieces: 12; a 25 kg sack of a product
counted to 3 decimals: 25000), never a decimal that would have to be rounded.
"""

import csv
import logging
import re
from collections.abc import Callable, Iterable, Iterator

from django.core.exceptions import ValidationError
from django.db import transaction

from inventory.barcodes import barcode_normalize
from inventory.models import Packaging, Product
from inventory.quantities import MAX_QUANTITY
from inventory.services.product_import import (
    IMPORT_BATCH_SIZE,
    ImportRowError,
    ImportRowOutcome,
    ProductImportResult,
    import_batches,
    import_bool,
    import_header,
)
from wms.admin_mixins import csv_rows
from wms.audit_context import VIA_IMPORT, acting

logger = logging.getLogger(__name__)

PACKAGING_COLUMNS = ("sku", "code", "name", "quantity", "barcode", "can_receive", "can_ship")

PACKAGING_REQUIRED_COLUMNS = ("sku", "code", "quantity")

_WHOLE = re.compile(r"[0-9]{1,19}")


def packagings_import(
    *,
    lines: Iterable[str],
    dry_run: bool = False,
    progress: Callable[[int], None] | None = None,
) -> ProductImportResult:
    """Create and update packagings by (sku, code) from CSV text, all or nothing.

    sku, code and quantity are required; name, barcode, can_receive and can_ship are optional
    (a column left out keeps the value of existing packagings; new ones get the defaults).
    quantity must be written as a whole number of stock steps, at least 2. A barcode must be
    a valid GTIN or another code, and belong to no product and no other packaging. If any row
    is wrong nothing is saved and every wrong row is reported; a dry run saves nothing.

    Raises ValidationError when the file is not a CSV with a usable header.
    """
    reader = csv.reader(lines)
    columns = import_header(reader, PACKAGING_COLUMNS, PACKAGING_REQUIRED_COLUMNS)
    result = ProductImportResult(dry_run=dry_run, columns=columns, what="packagings")
    first_line: dict[tuple[str, str], int] = {}
    barcodes_in_file: dict[str, str] = {}
    with transaction.atomic(), acting(via=VIA_IMPORT):
        for batch in import_batches(reader):
            rows = [(line, *_row(columns, cells)) for line, cells in batch]
            products = dict(
                Product.objects.filter(sku__in={v.get("sku") for _, v, _ in rows}).values_list(
                    "sku", "pk"
                )
            )
            owners = _barcode_owners(rows)
            parsed = []
            for line, values, messages in rows:
                key = (values.get("sku", ""), values.get("code", ""))
                if key[0] and key[0] not in products:
                    messages.append(f"sku: no product has the sku {key[0]}.")
                if key in first_line:
                    messages.append(
                        f"{key[0]} {key[1]} appears again (first on line {first_line[key]})."
                    )
                elif all(key):
                    first_line[key] = line
                barcode = values.get("barcode")
                if barcode:
                    owner = owners.get(barcode)
                    if owner is not None and owner != key:
                        messages.append(f"barcode {barcode} belongs to {' '.join(owner)}.")
                    elif barcodes_in_file.setdefault(barcode, " ".join(key)) != " ".join(key):
                        messages.append(
                            f"barcode {barcode} is also given to {barcodes_in_file[barcode]}."
                        )
                if messages:
                    result.errors.append(
                        ImportRowError(line, " ".join(key).strip(), tuple(messages))
                    )
                else:
                    parsed.append((line, values, products[key[0]]))
            writes = _classify(parsed, columns, result)
            if writes and result.saved:
                _upsert(writes, columns)
            if progress:
                progress(len(batch))
        if not result.saved:
            transaction.set_rollback(True)
    logger.info("Packaging import: %s", result.summary())
    return result


def packagings_export(*, product_ids: Iterable[int] | None = None) -> Iterator[str]:
    """The packagings (of ``product_ids``, or all) as CSV lines in the import's columns, by
    sku and size: what packagings_import reads back unchanged."""
    packs = Packaging.objects.order_by("product__sku", "quantity", "code")
    if product_ids is not None:
        packs = packs.filter(product_id__in=product_ids)
    fields = ("product__sku", *PACKAGING_COLUMNS[1:])
    rows = (
        [value if value is not None else "" for value in row]
        for row in packs.values_list(*fields).iterator(chunk_size=IMPORT_BATCH_SIZE)
    )
    return csv_rows(PACKAGING_COLUMNS, rows)


def _row(columns: tuple[str, ...], cells: list[str]) -> tuple[dict, list[str]]:
    """The row's values, cleaned, and what is wrong with it."""
    if len(cells) != len(columns):
        named = dict(zip(columns, cells, strict=False))
        return {"sku": named.get("sku", "").strip(), "code": named.get("code", "").strip()}, [
            f"expected {len(columns)} values, found {len(cells)}."
        ]
    values, messages = {}, []
    for column, cell in zip(columns, cells, strict=True):
        text = cell.strip()
        try:
            if column == "sku":
                values[column] = text
                if not text:
                    raise ValidationError("a value is required.")
            elif column in ("can_receive", "can_ship"):
                values[column] = import_bool(text)
            elif column == "barcode":
                values[column] = barcode_normalize(text)
            elif column == "quantity":
                values[column] = _steps(text)
            else:
                if column == "code" and not text:
                    raise ValidationError("a value is required.")
                values[column] = Packaging._meta.get_field(column).clean(text, None)
        except ValidationError as exc:
            if column == "code":
                values.setdefault("code", text)  # to name the row in its error
            messages.append(f"{column}: {' '.join(exc.messages)}")
    return values, messages


def _steps(text: str) -> int:
    if not _WHOLE.fullmatch(text):
        raise ValidationError(
            f"{text!r} is not a whole number of stock steps (a case of 12 pieces: 12; 25 kg "
            "of a product counted to 3 decimals: 25000)."
        )
    steps = int(text)
    if not 2 <= steps <= MAX_QUANTITY:
        raise ValidationError(f"{steps} is not between 2 and {MAX_QUANTITY}.")
    return steps


def _barcode_owners(rows) -> dict[str, tuple[str, str]]:
    """{barcode: (sku, code)} of the packagings, and (sku, "") of the products, that already
    have a barcode the rows name."""
    wanted = {values["barcode"] for _, values, _ in rows if values.get("barcode")}
    if not wanted:
        return {}
    owners = {
        barcode: (sku, "(the product)")
        for barcode, sku in Product.objects.filter(barcode__in=wanted).values_list("barcode", "sku")
    }
    for barcode, sku, code in Packaging.objects.filter(barcode__in=wanted).values_list(
        "barcode", "product__sku", "code"
    ):
        owners[barcode] = (sku, code)
    return owners


def _classify(parsed, columns, result: ProductImportResult) -> list[Packaging]:
    """Record what each valid row would do; return the packagings to insert or update."""
    if not parsed:
        return []
    compared = [c for c in columns if c not in ("sku", "code")]
    existing = {
        (row["product_id"], row["code"]): row
        for row in Packaging.objects.filter(
            product_id__in={pk for _, _, pk in parsed},
            code__in={values["code"] for _, values, _ in parsed},
        ).values("product_id", "code", *compared)
    }
    writes = []
    for line, values, product_id in parsed:
        key = f"{values['sku']} {values['code']}"
        current = existing.get((product_id, values["code"]))
        if current is None:
            result.rows.append(ImportRowOutcome(line, key, "create"))
        else:
            changed = tuple(c for c in compared if current[c] != values[c])
            if not changed:
                result.rows.append(ImportRowOutcome(line, key, "unchanged"))
                continue
            result.rows.append(ImportRowOutcome(line, key, "update", changed))
        fields = {c: values[c] for c in columns if c != "sku"}
        writes.append(Packaging(product_id=product_id, **fields))
    return writes


def _upsert(packs: list[Packaging], columns: tuple[str, ...]) -> None:
    # INSERT ... ON CONFLICT (product_id, code) DO UPDATE of the given columns only; the
    # barcode trigger still refuses a barcode another product or packaging took meanwhile.
    Packaging.objects.bulk_create(
        packs,
        batch_size=IMPORT_BATCH_SIZE,
        update_conflicts=True,
        unique_fields=["product", "code"],
        update_fields=[c for c in columns if c not in ("sku", "code")],
    )
