import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from documents.services import document_reserve
from tests.factories import ProductFactory, WarehouseFactory
from tests.support.documents import make_document, post

pytestmark = pytest.mark.django_db

CHANGELIST_URL = reverse("admin:inventory_product_changelist")


def change_url(product) -> str:
    return reverse("admin:inventory_product_change", args=[product.pk])


def listed(client, query="") -> list[str]:
    response = client.get(CHANGELIST_URL + query)
    assert response.status_code == 200
    return [p.sku for p in response.context["cl"].result_list]


def test_search_by_sku_and_name_and_filter_by_active_and_unit(clerk_client):
    wrap = ProductFactory(sku="WRAP-500", name="Pallet wrap")
    box = ProductFactory(sku="BOX-S", name="Shipping box", unit="box")
    old = ProductFactory(sku="OLD-1", name="Discontinued", is_active=False)

    assert listed(clerk_client, "?q=wrap-5") == [wrap.sku]
    assert listed(clerk_client, "?q=shipping") == [box.sku]
    assert listed(clerk_client, "?is_active__exact=0") == [old.sku]
    assert listed(clerk_client, "?unit__exact=box") == [box.sku]
    # by name (column 2: the selection checkboxes of "Print labels" come first)
    assert listed(clerk_client, "?o=2") == ["OLD-1", "WRAP-500", "BOX-S"]


def test_the_list_shows_total_stock_and_sorts_by_it(clerk_client, warehouse, other_warehouse):
    much, little, none = ProductFactory.create_batch(3)
    post("receipt", warehouse, [(much, 10), (little, 2)])
    post("receipt", other_warehouse, [(much, 5)])

    response = clerk_client.get(CHANGELIST_URL + "?o=-7")  # total stock, descending

    assert [(p.sku, p.total_quantity) for p in response.context["cl"].result_list] == [
        (much.sku, 15),
        (little.sku, 2),
        (none.sku, 0),
    ]


def test_the_product_page_shows_stock_per_warehouse_and_latest_movements(
    clerk_client, warehouse, other_warehouse, product
):
    receipt = post("receipt", warehouse, [(product, 10)])
    transfer = post("transfer", warehouse, [(product, 4)], destination=other_warehouse)
    document_reserve(document_id=make_document("shipment", warehouse, [(product, 1)]).pk)

    page = clerk_client.get(change_url(product)).content.decode()

    stock_part = page[page.index("field-stock_by_warehouse") :]
    # quantity, reserved, available
    assert f"{warehouse.name}</a></td><td>6</td><td>1</td><td>5</td>" in stock_part
    assert f"{other_warehouse.name}</a></td><td>4</td><td>0</td><td>4</td>" in stock_part
    assert "Total: <strong>10</strong>" in page
    movements = page[page.index("field-latest_movements") :]
    assert movements.index(transfer.number) < movements.index(receipt.number)  # newest first
    assert "<td>-4</td>" in movements and "<td>+4</td>" in movements
    assert reverse("admin:documents_document_change", args=[receipt.pk]) in movements


def test_a_clerk_sees_products_but_cannot_change_them(clerk_client, product):
    response = clerk_client.get(change_url(product))
    assert response.context["has_change_permission"] is False
    assert clerk_client.post(change_url(product), {"sku": "X", "name": "X"}).status_code == 403


def test_document_lines_offer_only_active_products(clerk_client):
    ProductFactory(sku="ACT-1")
    ProductFactory(sku="ACT-2", is_active=False)
    response = clerk_client.get(
        reverse("admin:autocomplete"),
        {
            "term": "ACT",
            "app_label": "documents",
            "model_name": "documentline",
            "field_name": "product",
        },
    )
    assert [r["text"].split(" ")[0] for r in response.json()["results"]] == ["ACT-1"]


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_the_list_needs_no_query_per_row(clerk_client, warehouse):
    post("receipt", warehouse, [(ProductFactory(), 1)])
    one = _queries(clerk_client, CHANGELIST_URL)
    post("receipt", warehouse, [(p, 1) for p in ProductFactory.create_batch(30)])
    assert _queries(clerk_client, CHANGELIST_URL) == one


def test_the_product_page_needs_no_query_per_warehouse_or_movement(clerk_client):
    quiet, busy = ProductFactory.create_batch(2)
    post("receipt", WarehouseFactory(), [(quiet, 1)])
    for _ in range(10):
        post("receipt", WarehouseFactory(), [(busy, 1)])
    assert _queries(clerk_client, change_url(busy)) == _queries(clerk_client, change_url(quiet))
