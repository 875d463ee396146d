import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from documents.services import document_reserve
from tests.factories import ProductFactory, WarehouseFactory
from tests.support.documents import make_document, post

pytestmark = pytest.mark.django_db

CHANGELIST_URL = reverse("admin:warehouses_warehouse_changelist")


def change_url(warehouse) -> str:
    return reverse("admin:warehouses_warehouse_change", args=[warehouse.pk])


def listed(client, query="") -> list[str]:
    response = client.get(CHANGELIST_URL + query)
    assert response.status_code == 200
    return [w.code for w in response.context["cl"].result_list]


def test_search_by_code_name_and_location_and_filter_by_active(clerk_client):
    WarehouseFactory(code="MAIN", name="Main warehouse", location="Rotterdam")
    WarehouseFactory(code="EAST", name="East hub", location="Warsaw")
    WarehouseFactory(code="OLD", name="Old depot", location="Milan", is_active=False)

    assert listed(clerk_client, "?q=main") == ["MAIN"]
    assert listed(clerk_client, "?q=hub") == ["EAST"]
    assert listed(clerk_client, "?q=warsaw") == ["EAST"]
    assert listed(clerk_client, "?is_active__exact=0") == ["OLD"]


def test_the_warehouse_page_shows_its_stock(clerk_client, warehouse, other_warehouse):
    wrap = ProductFactory(sku="WRAP")
    tape = ProductFactory(sku="TAPE")
    post("receipt", warehouse, [(wrap, 7), (tape, 3)])
    post("receipt", other_warehouse, [(wrap, 100)])
    document_reserve(document_id=make_document("shipment", warehouse, [(wrap, 2)]).pk)

    page = clerk_client.get(change_url(warehouse)).content.decode()

    stock = page[page.index("<table><thead><tr><th>Product") :].split("</table>")[0]
    assert stock.index("TAPE") < stock.index("WRAP")  # by sku
    # quantity, reserved, available
    assert f"{wrap.sku} — {wrap.name}</a></td><td>7</td><td>2</td><td>5</td>" in stock
    assert f"{tape.sku} — {tape.name}</a></td><td>3</td><td>0</td><td>3</td>" in stock
    assert "100" not in stock
    assert reverse("admin:inventory_product_change", args=[wrap.pk]) in stock


def test_the_warehouse_page_needs_no_query_per_product(clerk_client):
    small, large = WarehouseFactory.create_batch(2)
    post("receipt", small, [(ProductFactory(), 1)])
    post("receipt", large, [(p, 1) for p in ProductFactory.create_batch(30)])

    def queries(warehouse) -> int:
        with CaptureQueriesContext(connection) as captured:
            assert clerk_client.get(change_url(warehouse)).status_code == 200
        return len(captured)

    assert queries(large) == queries(small)


def test_documents_offer_only_active_warehouses(clerk_client):
    WarehouseFactory(code="OPEN")
    WarehouseFactory(code="OPEN-CLOSED", is_active=False)
    response = clerk_client.get(
        reverse("admin:autocomplete"),
        {
            "term": "OPEN",
            "app_label": "documents",
            "model_name": "document",
            "field_name": "warehouse",
        },
    )
    assert [r["text"].split(" ")[0] for r in response.json()["results"]] == ["OPEN"]
