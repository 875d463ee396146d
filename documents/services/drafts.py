"""Drafts: create, edit and delete a document before it moves stock."""

import logging
from collections.abc import Sequence

from django.core.exceptions import ValidationError
from django.db import transaction

from documents.models import (
    Document,
    DocumentLine,
)
from documents.services._common import _create_numbered, _lock_draft
from documents.services.lines import LineInput, document_validate
from inventory.services import lots_create

logger = logging.getLogger(__name__)


def document_create(
    *,
    doc_type: str,
    warehouse_id: int,
    lines: Sequence[LineInput],
    destination_warehouse_id: int | None = None,
    reference: str = "",
    note: str = "",
    created_by=None,
    origin_id: int | None = None,
    blind: bool = False,
) -> Document:
    """Create a draft with its lines and give it its number. A return names its shipment
    (``origin_id``); a count may be ``blind`` (its papers never show book quantities)."""
    if blind and doc_type != "count":
        raise ValidationError({"blind": ["Only a count can be blind."]})
    resolved = document_validate(
        doc_type=doc_type,
        warehouse_id=warehouse_id,
        destination_warehouse_id=destination_warehouse_id,
        lines=lines,
        origin_id=origin_id,
    )
    with transaction.atomic():
        document = _create_numbered(
            doc_type=doc_type,
            warehouse_id=warehouse_id,
            destination_warehouse_id=destination_warehouse_id,
            origin_id=origin_id,
            blind=blind,
            reference=reference,
            note=note,
            created_by=created_by,
        )
        _write_lines(document, resolved)
    logger.info("Document %s created (%d lines)", document.number, len(lines))
    return document


_EDITABLE = {"warehouse_id", "destination_warehouse_id", "reference", "note", "lines"}


def document_update(*, document_id: int, **changes) -> Document:
    """Change a draft. Any of warehouse_id, destination_warehouse_id, reference, note and
    lines (which replaces all lines) may be given; the rest stays as it is."""
    unknown = set(changes) - _EDITABLE
    if unknown:
        raise TypeError(f"document_update() got unexpected fields {sorted(unknown)}")
    with transaction.atomic():
        document = _lock_draft(document_id, "edited")
        lines = changes.pop("lines", None)
        for field, value in changes.items():
            setattr(document, field, value)
        resolved = document_validate(
            doc_type=document.doc_type,
            warehouse_id=document.warehouse_id,
            destination_warehouse_id=document.destination_warehouse_id,
            lines=lines if lines is not None else _current_lines(document),
            origin_id=document.origin_id,
        )
        document.save()
        if lines is not None:
            document.lines.all().delete()
            _write_lines(document, resolved)
    return document


def document_delete(*, document_id: int) -> None:
    with transaction.atomic():
        document = _lock_draft(document_id, "deleted")
        document.delete()


def _current_lines(document: Document) -> list[LineInput]:
    # Lines entered in packs keep their packaging and its size then, as stored.
    fields = ("product_id", "quantity", "location_id", "destination_location_id")
    return [
        LineInput(
            *values[:4],
            lot=lot,
            packaging_id=packaging_id,
            packaging_quantity=packs,
            packaging_size=size,
            loose_quantity=loose,
        )
        for *values, lot, packaging_id, packs, size, loose in document.lines.values_list(
            *fields,
            "lot__code",
            "packaging_id",
            "packaging_quantity",
            "packaging_size",
            "loose_quantity",
        )
    ]


def _write_lines(document: Document, resolved: list[tuple[LineInput, int | None]]) -> None:
    new_lots = {
        (line.product_id, line.lot): line.expires_on
        for line, lot_id in resolved
        if line.lot and lot_id is None
    }
    lot_ids = lots_create(wanted=new_lots)
    DocumentLine.objects.bulk_create(
        DocumentLine(
            document=document,
            product_id=line.product_id,
            quantity=line.quantity,
            location_id=line.location_id,
            destination_location_id=line.destination_location_id,
            lot_id=lot_id or lot_ids.get((line.product_id, line.lot)),
            packaging_id=line.packaging_id,
            packaging_quantity=line.packaging_quantity if line.packaging_id else None,
            packaging_size=line.packaging_size,
            loose_quantity=line.loose_quantity if line.packaging_id else None,
        )
        for line, lot_id in resolved
    )
