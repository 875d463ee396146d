"""stock.below_reorder_point: the reorder points a document's movements took below their
minimum, found inside the posting's transaction in one statement and one read."""

from django.db import connection

from inventory.selectors import reorder_point_list
from inventory.serializers import ReorderPointSerializer

# What the document did to available stock per (warehouse, product): its net movement (or
# its reversal's), or, reserving, minus what it reserved.
_DELTAS = {
    "movements": """
        SELECT warehouse_id, product_id, SUM(quantity) AS delta
        FROM stock_movements
        WHERE document_id = %s AND NOT is_reversal
        GROUP BY warehouse_id, product_id""",
    "reversal": """
        SELECT warehouse_id, product_id, SUM(quantity) AS delta
        FROM stock_movements
        WHERE document_id = %s AND is_reversal
        GROUP BY warehouse_id, product_id""",
    "reservations": """
        SELECT q.warehouse_id, q.product_id, -SUM(r.quantity) AS delta
        FROM stock_reservations r
        JOIN stock_quants q ON q.id = r.quant_id
        WHERE r.document_id = %s
        GROUP BY q.warehouse_id, q.product_id""",
}
# Against the stock rows the document changed. Those rows are locked by this transaction until
# it commits, so what it reads is what it left and "before" is that minus its own change:
# concurrent documents cross one at a time, and only the one that crosses sees the edge.
_CROSSED = """
    SELECT rp.id
    FROM ({deltas}) m
    JOIN reorder_points rp ON rp.warehouse_id = m.warehouse_id AND rp.product_id = m.product_id
    JOIN warehouse_inventory s ON s.warehouse_id = m.warehouse_id AND s.product_id = m.product_id
    WHERE m.delta < 0
      AND s.quantity - s.reserved < rp.min_quantity
      AND s.quantity - s.reserved - m.delta >= rp.min_quantity
"""


def reorder_points_crossed(document, *, by: str) -> list[dict]:
    """The event data of every reorder point that ``document`` took from at least min_quantity
    available to less, ``by`` its "movements", its "reversal" or its "reservations": each as
    GET /api/v1/reorder-points/{id}/ shows it, with the document's id and number."""
    with connection.cursor() as cursor:
        cursor.execute(_CROSSED.format(deltas=_DELTAS[by]), [document.pk])
        crossed = [pk for (pk,) in cursor.fetchall()]
    if not crossed:
        return []
    cause = {"id": document.pk, "number": document.number}
    return [
        {**ReorderPointSerializer(point).data, "document": cause}
        for point in reorder_point_list().filter(pk__in=crossed)
    ]
