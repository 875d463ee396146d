"""Answers built from the rows an action already holds, instead of reading the document again."""

from documents.models import Document, DocumentLine
from inventory.models import Lot, Packaging


def as_posted(document: Document) -> Document:
    """``document`` as ``document_post`` returned it, ready for PostedDocumentSerializer with no
    query but one for the lots, if a line names any (posting read each line's product decimals
    and packaging with the line): what DocumentSerializer would show after reading it again
    through ``document_list()``.

    Posting changes no line, and a posted document holds no reservation (a reserved one's are
    consumed and deleted in the posting), so each line shows ``reserved`` 0.
    """
    rows = document.posted_lines
    lot_ids = {row.lot_id for row in rows if row.lot_id is not None}
    lots = Lot.objects.in_bulk(lot_ids) if lot_ids else {}
    lines = []
    for row in rows:
        line = DocumentLine(
            id=row.id,
            document_id=document.pk,
            product_id=row.product_id,
            quantity=row.quantity,
            location_id=row.location_id,
            destination_location_id=row.destination_location_id,
            lot_id=row.lot_id,
        )
        if row.lot_id is not None:
            line.lot = lots[row.lot_id]
        line.decimals = row.decimals
        line.packaging_quantity = row.packaging_quantity
        line.loose_quantity = row.loose_quantity
        if row.packaging_id is not None:
            line.packaging = Packaging(id=row.packaging_id, code=row.packaging_code)
        line.reserved = 0
        lines.append(line)
    # What prefetch_related leaves behind: document.lines.all() serves these rows.
    cached = document.lines.all()
    cached._result_cache, cached._prefetch_done = lines, True
    document._prefetched_objects_cache = {"lines": cached}
    document.backorder = document.backorder.pk if document.backorder else None
    return document
