"""Posting reads what it moves and refuses what was deactivated after the draft was made,
without racing the deactivation.

The warehouses, products and locations a posting names are read FOR SHARE (each table in id
order, after the document row and before any stock row: docs/stock-model.md's lock order), in
as few statements as that allows on PostgreSQL: the warehouses with the document's own lock,
the products with the lines, the locations (only when lines name them) on their own.
Deactivating one takes its row for update (a location: warehouses.services.location_update,
which also refuses a location holding stock; a product or a warehouse: the UPDATE that saves
it), so the two wait for each other: a deactivation that commits first is seen here and the
posting is refused; a posting that commits first leaves stock the location's deactivation then
sees, and refuses.
"""

from datetime import datetime

from django.db import connection

from documents.exceptions import InactiveInPosting
from documents.models import Document, Status
from documents.services._common import PostingLine

# The document locked, and with it its warehouses (two for a transfer) FOR SHARE: one row per
# warehouse, in id order. Within a row PostgreSQL locks the relations in the order the FOR
# clauses name them, the document first.
_LOCK = """
    SELECT d.*, w.id AS share_id, w.code AS share_name, w.is_active AS share_active
    FROM documents d
    JOIN warehouses w ON w.id IN (d.warehouse_id, d.destination_warehouse_id)
    WHERE d.id = %s
    ORDER BY w.id{lock}
"""

# The lines with what posting and its answer need, their products locked FOR SHARE in id order
# (the sort runs below the locking). On PostgreSQL the document is marked posted in the same
# statement (``_MARK``): anything that refuses the posting afterwards rolls it back with the rest.
_LINES = """
    SELECT l.id, l.product_id, l.quantity, l.location_id, loc.path, l.destination_location_id,
           l.lot_id, lot.is_serial, p.sku, p.is_active, p.decimals, l.packaging_id, pk.code,
           l.packaging_quantity, l.loose_quantity
    FROM document_lines l
    JOIN products p ON p.id = l.product_id
    LEFT JOIN locations loc ON loc.id = l.location_id
    LEFT JOIN lots lot ON lot.id = l.lot_id
    LEFT JOIN packagings pk ON pk.id = l.packaging_id
    WHERE l.document_id = %s
    ORDER BY p.id, l.id{lock}
"""
_MARK = """
    WITH marked AS (
        UPDATE documents SET status = %s, posted_at = %s, posted_by_id = %s, updated_at = %s
        WHERE id = %s
    )
"""


def _postgresql() -> bool:
    return connection.vendor == "postgresql"


def lock_for_posting(document_id: int) -> Document:
    """The document locked FOR UPDATE, its warehouses FOR SHARE (``document.shared``: their
    (id, code, is_active)). Raises Document.DoesNotExist."""
    lock = " FOR UPDATE OF d FOR SHARE OF w" if _postgresql() else ""
    rows = list(Document.objects.raw(_LOCK.format(lock=lock), [document_id]))
    if not rows:
        raise Document.DoesNotExist(f"No document {document_id}.")
    document = rows[0]
    document.shared = [(row.share_id, row.share_name, row.share_active) for row in rows]
    return document


def lines_for_posting(
    document: Document, *, posted_at: datetime | None = None, user=None
) -> list[PostingLine]:
    """The document's lines in id order, their products locked FOR SHARE. With ``posted_at``
    (PostgreSQL only) the same statement marks the document posted then by ``user``."""
    lock = " FOR SHARE OF p" if _postgresql() else ""
    sql, params = _LINES.format(lock=lock), [document.pk]
    if posted_at is not None:
        user_id = getattr(user, "pk", None)
        sql = _MARK + sql
        params = [Status.POSTED, posted_at, user_id, posted_at, document.pk, *params]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = [PostingLine(*row) for row in cursor.fetchall()]
    return sorted(rows, key=lambda line: line.id)


def refuse_inactive(document: Document, lines: list[PostingLine]) -> None:
    """Lock the locations the lines name against deactivation (the warehouses and products are
    locked already); refuse the posting if any of them is inactive."""
    inactive = [
        {"kind": "warehouse", "id": pk, "name": code}
        for pk, code, active in document.shared
        if not active
    ]
    products = {line.product_id: line for line in lines}
    inactive += [
        {"kind": "product", "id": pk, "name": products[pk].sku}
        for pk in sorted(products)
        if not products[pk].product_active
    ]
    inactive += _inactive_locations(lines)
    if inactive:
        named = ", ".join(f"{row['kind']} {row['name']}" for row in inactive)
        raise InactiveInPosting(
            f"{document.number} cannot be posted: {named} "
            f"{'is' if len(inactive) == 1 else 'are'} inactive. Reactivate "
            f"{'it' if len(inactive) == 1 else 'them'} or change the draft.",
            inactive=inactive,
        )


def _inactive_locations(lines: list[PostingLine]) -> list[dict]:
    named = {line.location_id for line in lines} | {line.destination_location_id for line in lines}
    ids = sorted(named - {None})
    if not ids:
        return []
    share = " FOR SHARE" if _postgresql() else ""
    marks = ", ".join(["%s"] * len(ids))
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT id, path, is_active FROM locations WHERE id IN ({marks})"  # noqa: S608
            f" ORDER BY id{share}",
            ids,
        )
        return [
            {"kind": "location", "id": pk, "name": path or "(root)"}
            for pk, path, active in cursor.fetchall()
            if not active
        ]
