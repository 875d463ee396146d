"""Posting refuses what was deactivated after the draft was made, without racing the
deactivation.

The warehouses, products and locations a posting names are read FOR SHARE (each table in id
order, after the document row and before any stock row: docs/stock-model.md's lock order).
Deactivating one takes its row for update (a location: warehouses.services.location_update,
which also refuses a location holding stock; a product or a warehouse: the UPDATE that saves
it), so the two wait for each other: a deactivation that commits first is seen here and the
posting is refused; a posting that commits first leaves stock the location's deactivation then
sees, and refuses.
"""

from django.db import connection

from documents.exceptions import InactiveInPosting
from documents.models import Document
from documents.services._common import PostingLine

# (kind, table, the column that names a row to people)
_TABLES = (
    ("warehouse", "warehouses", "code"),
    ("product", "products", "sku"),
    ("location", "locations", "path"),
)


def _names(lines: list[PostingLine], document: Document) -> dict[str, list[int]]:
    locations = {line.location_id for line in lines} | {
        line.destination_location_id for line in lines
    }
    return {
        "warehouse": sorted({document.warehouse_id, document.destination_warehouse_id} - {None}),
        "product": sorted({line.product_id for line in lines}),
        "location": sorted(locations - {None}),
    }


def refuse_inactive(document: Document, lines: list[PostingLine]) -> None:
    """Lock the rows the posting names against deactivation; refuse it if one is inactive."""
    wanted = _names(lines, document)
    share = " FOR SHARE" if connection.vendor == "postgresql" else ""
    inactive = []
    with connection.cursor() as cursor:
        for kind, table, name in _TABLES:
            ids = wanted[kind]
            if not ids:
                continue
            marks = ", ".join(["%s"] * len(ids))
            cursor.execute(
                f"SELECT id, {name}, is_active FROM {table} WHERE id IN ({marks})"  # noqa: S608
                f" ORDER BY id{share}",
                ids,
            )
            inactive += [
                {"kind": kind, "id": pk, "name": label or "(root)"}
                for pk, label, active in cursor.fetchall()
                if not active
            ]
    if inactive:
        named = ", ".join(f"{row['kind']} {row['name']}" for row in inactive)
        raise InactiveInPosting(
            f"{document.number} cannot be posted: {named} "
            f"{'is' if len(inactive) == 1 else 'are'} inactive. Reactivate "
            f"{'it' if len(inactive) == 1 else 'them'} or change the draft.",
            inactive=inactive,
        )
