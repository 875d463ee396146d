"""Products from CSV: one transaction, batched, every row checked and reported."""

import csv
import logging
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction

from inventory.barcodes import barcode_normalize
from inventory.models import (
    Product,
    Unit,
)
from inventory.services.products import products_with_quantities
from wms.audit_context import VIA_IMPORT, acting

logger = logging.getLogger(__name__)


IMPORT_COLUMNS = (
    "sku",
    "name",
    "barcode",
    "description",
    "unit",
    "decimals",
    "price",
    "is_active",
)


IMPORT_REQUIRED_COLUMNS = ("sku", "name")


IMPORT_BATCH_SIZE = 2000


_TRUE = frozenset({"1", "true", "t", "yes", "y"})


_FALSE = frozenset({"0", "false", "f", "no", "n"})


_UNITS = {
    **{label.lower(): value for value, label in Unit.choices},
    **{value.lower(): value for value in Unit.values},
}


@dataclass(frozen=True)
class ImportRowError:
    line: int
    sku: str
    messages: tuple[str, ...]

    def __str__(self) -> str:
        return f"line {self.line} ({self.sku or 'no sku'}): {' '.join(self.messages)}"


@dataclass(frozen=True)
class ImportRowOutcome:
    line: int
    sku: str
    action: str  # "create" | "update" | "unchanged"
    changed: tuple[str, ...] = ()


@dataclass
class ProductImportResult:
    """What an import did or would do; ``what`` names its rows ("products", "packagings")."""

    dry_run: bool
    columns: tuple[str, ...]
    rows: list[ImportRowOutcome] = field(default_factory=list)
    errors: list[ImportRowError] = field(default_factory=list)
    what: str = "products"

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def saved(self) -> bool:
        return self.ok and not self.dry_run

    def count(self, action: str) -> int:
        return sum(1 for row in self.rows if row.action == action)

    def summary(self) -> str:
        counts = (
            f"{self.count('create')} to create, {self.count('update')} to update, "
            f"{self.count('unchanged')} unchanged, {len(self.errors)} with errors"
        )
        if self.saved:
            return (
                f"Imported {len(self.rows)} {self.what}: {self.count('create')} created, "
                f"{self.count('update')} updated, {self.count('unchanged')} unchanged."
            )
        if self.ok:
            return f"Dry run, nothing saved: {counts}."
        return f"Nothing imported, the file has errors: {counts}."


def products_import(
    *,
    lines: Iterable[str],
    dry_run: bool = False,
    progress: Callable[[int], None] | None = None,
) -> ProductImportResult:
    """Create and update products by sku from CSV text, in one transaction, all or nothing.

    ``lines`` is CSV text line by line (an open file, or ``text.splitlines(keepends=True)``).
    The header names the columns: sku and name are required; description, unit, decimals
    (fixed once the product has quantities), price and is_active are optional, and a column
    left out keeps the value of existing products (new ones get the defaults). Each value is
    checked with the model field's own rules. If any row is
    wrong, nothing is saved and every wrong row is reported; a dry run checks and classifies
    every row without saving. Writes are set-based: one lookup and one upsert per batch of
    rows. ``progress`` is called with the number of rows done after each batch.

    Raises ValidationError when the file is not a CSV with a usable header.
    """
    reader = csv.reader(lines)
    columns = import_header(reader, IMPORT_COLUMNS, IMPORT_REQUIRED_COLUMNS)
    result = ProductImportResult(dry_run=dry_run, columns=columns)
    first_line: dict[str, int] = {}
    # The audit trail records these changes as an import, by whoever runs it.
    with transaction.atomic(), acting(via=VIA_IMPORT):
        for batch in import_batches(reader):
            parsed = []
            rows = [(line, *_import_row(columns, cells)) for line, cells in batch]
            barcode_owners = _import_barcode_owners(rows)
            fixed = _import_fixed_decimals(rows)
            for line, values, messages in rows:
                sku = values.get("sku", "")
                if sku in first_line:
                    messages.append(f"sku {sku} appears again (first on line {first_line[sku]}).")
                elif sku:
                    first_line[sku] = line
                barcode = values.get("barcode")
                if barcode:
                    owner = barcode_owners.setdefault(barcode, sku)
                    if owner != sku:
                        messages.append(f"barcode {barcode} belongs to {owner}.")
                if sku in fixed and values.get("decimals") != fixed[sku]:
                    messages.append(
                        f"decimals: {sku} has quantities counted in steps of 10^-{fixed[sku]}; "
                        "its decimals cannot change."
                    )
                if messages:
                    result.errors.append(ImportRowError(line, sku, tuple(messages)))
                else:
                    parsed.append((line, values))
            writes = _import_classify(parsed, columns, result)
            if writes and result.saved:
                _import_upsert(writes, columns)
            if progress:
                progress(len(batch))
        if not result.saved:
            transaction.set_rollback(True)
    logger.info("Product import: %s", result.summary())
    return result


def import_header(reader, known: tuple[str, ...], required: tuple[str, ...]) -> tuple[str, ...]:
    """The header's column names, lower case; ValidationError for an unknown, missing or
    repeated column, or a file that is not CSV."""
    try:
        header = next(reader)
    except StopIteration:
        raise ValidationError("The file is empty.") from None
    except csv.Error as exc:
        raise ValidationError(f"The header cannot be read as CSV: {exc}.") from None
    columns = tuple(name.strip().lower().lstrip("\ufeff") for name in header)
    problems = []
    unknown = [c for c in columns if c not in known]
    if unknown:
        problems.append(f"Unknown column(s): {', '.join(unknown)}. Known: {', '.join(known)}.")
    missing = [c for c in required if c not in columns]
    if missing:
        problems.append(f"Missing column(s): {', '.join(missing)}.")
    if len(set(columns)) != len(columns):
        problems.append("A column appears more than once.")
    if problems:
        raise ValidationError(problems)
    return columns


def import_batches(reader) -> Iterator[list[tuple[int, list[str]]]]:
    """(line number, cells) of the rows, IMPORT_BATCH_SIZE at a time, blank lines left out."""
    batch = []
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            raise ValidationError(f"Line {reader.line_num} cannot be read as CSV: {exc}.") from None
        if not any(cell.strip() for cell in cells):
            continue  # blank line
        if any("\x00" in cell for cell in cells):
            # No text column takes one (PostgreSQL refuses it; SQLite would store it).
            raise ValidationError(f"Line {reader.line_num} holds a NUL byte (\\x00).")
        batch.append((reader.line_num, cells))
        if len(batch) == IMPORT_BATCH_SIZE:
            yield batch
            batch = []
    if batch:
        yield batch


def _import_row(columns: tuple[str, ...], cells: list[str]) -> tuple[dict, list[str]]:
    """The row's values, cleaned by the model fields, and what is wrong with it."""
    if len(cells) != len(columns):
        sku = cells[columns.index("sku")].strip() if len(cells) > columns.index("sku") else ""
        return {"sku": sku}, [f"expected {len(columns)} values, found {len(cells)}."]
    values, messages = {}, []
    for column, cell in zip(columns, cells, strict=True):
        text = cell.strip()
        try:
            if column in ("unit", "decimals", "price", "is_active") and not text:
                raise ValidationError("a value is required.")
            if column == "is_active":
                values[column] = import_bool(text)
                continue
            if column == "barcode":
                values[column] = barcode_normalize(text)
                continue
            if column == "unit":
                if text.lower() not in _UNITS:
                    raise ValidationError(f"{text!r} is not one of {', '.join(Unit.values)}.")
                text = _UNITS[text.lower()]
            values[column] = Product._meta.get_field(column).clean(text, None)
        except ValidationError as exc:
            if column == "sku":
                values["sku"] = text
            messages.append(f"{column}: {' '.join(exc.messages)}")
    return values, messages


def _import_barcode_owners(rows) -> dict[str, str]:
    """{barcode: sku} of the products that already have a barcode the rows name."""
    wanted = {values["barcode"] for _, values, _ in rows if values.get("barcode")}
    return dict(Product.objects.filter(barcode__in=wanted).values_list("barcode", "sku"))


def _import_fixed_decimals(rows) -> dict[str, int]:
    """{sku: decimals} of existing products the rows give other decimals, that already have
    quantities counted in their steps (so the decimals cannot change)."""
    wanted = {values["sku"]: values["decimals"] for _, values, _ in rows if "decimals" in values}
    if not wanted:
        return {}
    differing = {
        pk: (sku, decimals)
        for pk, sku, decimals in Product.objects.filter(sku__in=wanted).values_list(
            "pk", "sku", "decimals"
        )
        if decimals != wanted[sku]
    }
    in_use = products_with_quantities(differing)
    return {differing[pk][0]: differing[pk][1] for pk in in_use}


def import_bool(text: str) -> bool:
    if text.lower() in _TRUE:
        return True
    if text.lower() in _FALSE:
        return False
    raise ValidationError(f"{text!r} is not a yes/no value (use true/false, yes/no or 1/0).")


def _import_classify(parsed, columns, result: ProductImportResult) -> list[Product]:
    """Record what each valid row would do; return the products to insert or update."""
    if not parsed:
        return []
    compared = [c for c in columns if c != "sku"]
    existing = {
        row["sku"]: row
        for row in Product.objects.filter(sku__in=[values["sku"] for _, values in parsed]).values(
            "sku", *compared
        )
    }
    writes = []
    for line, values in parsed:
        current = existing.get(values["sku"])
        if current is None:
            result.rows.append(ImportRowOutcome(line, values["sku"], "create"))
        else:
            changed = tuple(c for c in compared if current[c] != values[c])
            if not changed:
                result.rows.append(ImportRowOutcome(line, values["sku"], "unchanged"))
                continue
            result.rows.append(ImportRowOutcome(line, values["sku"], "update", changed))
        writes.append(Product(**values))
    return writes


def _import_upsert(products: list[Product], columns: tuple[str, ...]) -> None:
    # INSERT ... ON CONFLICT (sku) DO UPDATE of the given columns only: race-free against a
    # concurrent import of the same sku, and columns the file leaves out are not touched.
    Product.objects.bulk_create(
        products,
        batch_size=IMPORT_BATCH_SIZE,
        update_conflicts=True,
        unique_fields=["sku"],
        update_fields=[c for c in columns if c != "sku"] + ["updated_at"],
    )
