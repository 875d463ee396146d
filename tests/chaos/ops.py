"""Business steps over the API, as an integrator would take them."""

import uuid

from tests.chaos.client import Api


def new_product(api: Api) -> int:
    sku = f"CH-{uuid.uuid4().hex[:10]}"
    answer = api.post("/api/v1/products/", {"sku": sku, "name": f"Chaos {sku}"})
    assert answer.status == 201, answer
    return answer.body["id"]


def draft(api: Api, doc_type: str, warehouse: int, lines, destination=None) -> int:
    body = {
        "doc_type": doc_type,
        "warehouse": warehouse,
        "lines": [{"product": p, "quantity": q} for p, q in lines],
    }
    if destination:
        body["destination_warehouse"] = destination
    answer = api.post("/api/v1/documents/", body)
    assert answer.status == 201, answer
    return answer.body["id"]


def post_document(api: Api, document: int, key: str | None = None, timeout: float = 40):
    return api.post(f"/api/v1/documents/{document}/post/", key=key, timeout=timeout)


def receive(api: Api, warehouse: int, lines) -> int:
    document = draft(api, "receipt", warehouse, lines)
    answer = post_document(api, document)
    assert answer.status == 200, answer
    return document


def stock_of(db, warehouse: int, product: int) -> int:
    row = db.execute(
        "SELECT quantity FROM warehouse_inventory WHERE warehouse_id = %s AND product_id = %s",
        (warehouse, product),
    ).fetchone()
    return row[0] if row else 0


def document_state(db, document: int) -> tuple[str, int, int]:
    """(status, its lines, its ledger movements)."""
    return db.execute(
        "SELECT d.status, (SELECT count(*) FROM document_lines l WHERE l.document_id = d.id),"
        " (SELECT count(*) FROM stock_movements m WHERE m.document_id = d.id)"
        " FROM documents d WHERE d.id = %s",
        (document,),
    ).fetchone()
