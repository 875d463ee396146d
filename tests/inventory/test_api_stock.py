"""Stock, product totals and the movement ledger over HTTP: read-only lists and their filters."""

import pytest

from inventory.models import StockMovement, WarehouseInventory
from tests.factories import ProductFactory
from tests.support.documents import post

pytestmark = pytest.mark.django_db


@pytest.fixture
def stocked(warehouse, other_warehouse):
    """Product a: 10 in warehouse, 3 in other; product b: 20 in warehouse."""
    a, b = ProductFactory(), ProductFactory()
    post("receipt", warehouse, [(a, 10), (b, 20)])
    post("receipt", other_warehouse, [(a, 3)])
    return a, b


def rows(client, url):
    response = client.get(url)
    assert response.status_code == 200, response.content
    return response.json()["results"]


def test_stock_lists_every_row_with_its_fields(clerk_api, stocked, warehouse):
    a, _ = stocked
    row = WarehouseInventory.objects.get(warehouse=warehouse, product=a)
    listed = rows(clerk_api, "/api/v1/stock/")
    assert len(listed) == 3
    assert listed[0] == {
        "id": row.pk,
        "warehouse": warehouse.pk,
        "product": a.pk,
        "quantity": 10,
        "reserved": 0,
        "available": 10,
        "to_order": None,
        "updated_at": listed[0]["updated_at"],
    }
    assert clerk_api.get(f"/api/v1/stock/{row.pk}/").json() == listed[0]


@pytest.mark.parametrize(
    "query, expected",
    [
        ("warehouse={w}", {("w", "a", 10), ("w", "b", 20)}),
        ("product={a}", {("w", "a", 10), ("o", "a", 3)}),
        ("min_quantity=10", {("w", "a", 10), ("w", "b", 20)}),
        ("max_quantity=10", {("w", "a", 10), ("o", "a", 3)}),
        ("min_quantity=4&max_quantity=19", {("w", "a", 10)}),
        ("warehouse={o}&product={b}", set()),
    ],
)
def test_stock_filters(clerk_api, stocked, warehouse, other_warehouse, query, expected):
    a, b = stocked
    warehouses = {warehouse.pk: "w", other_warehouse.pk: "o"}
    products = {a.pk: "a", b.pk: "b"}
    query = query.format(w=warehouse.pk, o=other_warehouse.pk, a=a.pk, b=b.pk)
    found = {
        (warehouses[r["warehouse"]], products[r["product"]], r["quantity"])
        for r in rows(clerk_api, f"/api/v1/stock/?{query}")
    }
    assert found == expected


@pytest.mark.parametrize(
    "url, param",
    [
        ("/api/v1/stock/?warehouse=-3", "warehouse"),
        ("/api/v1/stock/?warehouse=abc", "warehouse"),
        ("/api/v1/stock/?warehouse=1.0", "warehouse"),
        ("/api/v1/stock/?product=0", "product"),
        ("/api/v1/stock/?product=9223372036854775808", "product"),
        ("/api/v1/stock/?min_quantity=x", "min_quantity"),
        ("/api/v1/stock/?max_quantity=99999999999999999999", "max_quantity"),
        ("/api/v1/inventory/?product=-1", "product"),
        ("/api/v1/movements/?document=-1", "document"),
        ("/api/v1/movements/?created_after=yesterday", "created_after"),
        ("/api/v1/movements/?created_after=0001-01-01T00:00:00%2B14:00", "created_after"),
        ("/api/v1/documents/?created_before=9999-12-31T23:59:59-14:00", "created_before"),
        ("/api/v1/documents/?created_by=-1", "created_by"),
        ("/api/v1/documents/?status=lost", "status"),
        ("/api/v1/documents/?doc_type=gift", "doc_type"),
    ],
)
def test_bad_filter_values_are_400s(clerk_api, url, param):
    response = clerk_api.get(url)
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    assert list(body["errors"]) == [param]


def test_product_totals(clerk_api, stocked):
    a, b = stocked
    totals = {r["product"]: r["quantity"] for r in rows(clerk_api, "/api/v1/inventory/")}
    assert totals == {a.pk: 13, b.pk: 20}
    assert [r["product"] for r in rows(clerk_api, f"/api/v1/inventory/?product={b.pk}")] == [b.pk]
    response = clerk_api.get(f"/api/v1/inventory/{a.pk}/")
    assert response.json()["quantity"] == 13
    assert clerk_api.get("/api/v1/inventory/999999/").status_code == 404


def test_movements_newest_first_with_signed_quantities(clerk_api, warehouse, product):
    receipt = post("receipt", warehouse, [(product, 10)])
    shipment = post("shipment", warehouse, [(product, 4)])
    listed = rows(clerk_api, "/api/v1/movements/")
    assert [(m["document"], m["quantity"]) for m in listed] == [(shipment.pk, -4), (receipt.pk, 10)]
    first = listed[0]
    assert set(first) == {
        "id",
        "document",
        "document_line",
        "warehouse",
        "location",
        "product",
        "lot",
        "quantity",
        "balance_after",
        "is_reversal",
        "created_at",
    }
    assert (first["location"], first["lot"], first["balance_after"]) == (
        warehouse.default_location.pk,
        None,
        6,
    )
    assert clerk_api.get(f"/api/v1/movements/{first['id']}/").json() == first


def test_movement_filters(clerk_api, warehouse, other_warehouse):
    a, b = ProductFactory(), ProductFactory()
    receipt = post("receipt", warehouse, [(a, 10), (b, 5)])
    transfer = post("transfer", warehouse, [(a, 2)], destination=other_warehouse)

    def documents(query):
        return sorted(
            (m["document"], m["quantity"]) for m in rows(clerk_api, f"/api/v1/movements/?{query}")
        )

    assert documents(f"document={transfer.pk}") == [(transfer.pk, -2), (transfer.pk, 2)]
    assert documents(f"product={b.pk}") == [(receipt.pk, 5)]
    assert documents(f"warehouse={other_warehouse.pk}") == [(transfer.pk, 2)]

    transfer_time = StockMovement.objects.filter(document=transfer).first().created_at
    after = transfer_time.isoformat().replace("+00:00", "Z")
    assert {d for d, _ in documents(f"created_after={after}")} == {transfer.pk}
    assert {d for d, _ in documents(f"created_before={after}")} == {receipt.pk}


def test_stock_is_read_only(manager_api, stocked):
    response = manager_api.post("/api/v1/stock/", {"warehouse": 1, "product": 1, "quantity": 5})
    assert response.status_code == 405
    assert manager_api.delete("/api/v1/movements/1/").status_code == 405
