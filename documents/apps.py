from django.apps import AppConfig

# reconcile_stock: no posted shipment's (product, lot) came back by its posted returns beyond
# what its ledger rows shipped (posting refuses it; this finds it if anything else wrote it).
RETURNS_BEYOND_SHIPPED = """
    SELECT r.origin_id, r.product_id, r.lot_id, COALESCE(s.shipped, 0), r.returned
    FROM (SELECT d.origin_id, m.product_id, m.lot_id, SUM(m.quantity) AS returned
          FROM stock_movements m JOIN documents d ON d.id = m.document_id
          WHERE d.doc_type = 'return' AND d.status = 'posted'
          GROUP BY d.origin_id, m.product_id, m.lot_id) r
    LEFT JOIN (SELECT m.document_id, m.product_id, m.lot_id, -SUM(m.quantity) AS shipped
               FROM stock_movements m JOIN documents d ON d.id = m.document_id
               WHERE d.doc_type = 'shipment' AND d.status = 'posted'
               GROUP BY m.document_id, m.product_id, m.lot_id) s
      ON s.document_id = r.origin_id AND s.product_id = r.product_id
     AND (s.lot_id = r.lot_id OR (s.lot_id IS NULL AND r.lot_id IS NULL))
    WHERE r.returned > COALESCE(s.shipped, 0)
    ORDER BY r.origin_id, r.product_id
"""


def _say_returned_beyond_shipped(shipment, product, lot, shipped, returned) -> str:
    return (
        f"shipment {shipment}: product {product} (lot {lot}) came back {returned} by its posted "
        f"returns, but it shipped {shipped}"
    )


class DocumentsConfig(AppConfig):
    name = "documents"

    def ready(self):
        from documents import metrics
        from documents.models import DocType
        from documents.services import RESERVABLE

        metrics.start(DocType.values, RESERVABLE)
        from inventory.selectors import register_check

        register_check("returns", RETURNS_BEYOND_SHIPPED, _say_returned_beyond_shipped)
