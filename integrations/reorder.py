"""stock.below_reorder_point: the reorder points a document's movements took below their
minimum, found inside the posting's transaction in one statement and one read."""

from django.db import connection

from inventory.api import ReorderPointSerializer
from inventory.selectors import reorder_point_list

# The document's net movement per (warehouse, product), against the stock rows it changed.
# Those rows are locked by this transaction until it commits, so what it reads is what it left
# and "before" is that minus its own movement: concurrent postings cross one at a time, and
# only the one that crosses sees the edge.
_CROSSED = """
    SELECT rp.id
    FROM (
        SELECT warehouse_id, product_id, SUM(quantity) AS delta
        FROM stock_movements
        WHERE document_id = %s AND is_reversal = %s
        GROUP BY warehouse_id, product_id
    ) m
    JOIN reorder_points rp ON rp.warehouse_id = m.warehouse_id AND rp.product_id = m.product_id
    JOIN warehouse_inventory s ON s.warehouse_id = m.warehouse_id AND s.product_id = m.product_id
    WHERE m.delta < 0
      AND s.quantity - s.reserved < rp.min_quantity
      AND s.quantity - s.reserved - m.delta >= rp.min_quantity
"""


def reorder_points_crossed(document, *, is_reversal: bool) -> list[dict]:
    """The event data of every reorder point that ``document``'s movements (its reversal's,
    with ``is_reversal``) took from at least min_quantity available to less: each as
    GET /api/v1/reorder-points/{id}/ shows it, with the document's id and number."""
    with connection.cursor() as cursor:
        cursor.execute(_CROSSED, [document.pk, is_reversal])
        crossed = [pk for (pk,) in cursor.fetchall()]
    if not crossed:
        return []
    cause = {"id": document.pk, "number": document.number}
    return [
        {**ReorderPointSerializer(point).data, "document": cause}
        for point in reorder_point_list().filter(pk__in=crossed)
    ]
