import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from documents.services import document_reserve
from inventory.models import Inventory, StockMovement, WarehouseInventory
from tests.factories import ProductFactory, WarehouseFactory
from tests.support.documents import make_document, post

pytestmark = pytest.mark.django_db

STOCK = "inventory_warehouseinventory"
TOTALS = "inventory_inventory"
MOVEMENTS = "inventory_stockmovement"


def url(name, *args) -> str:
    return reverse(f"admin:{name}", args=args)


def rows(client, name, query=""):
    response = client.get(url(f"{name}_changelist") + query)
    assert response.status_code == 200
    return list(response.context["cl"].result_list)


def test_stock_is_listed_with_links_filters_and_search(clerk_client, warehouse, other_warehouse):
    wrap, tape = ProductFactory(sku="WRAP", name="Pallet wrap"), ProductFactory(sku="TAPE")
    post("receipt", warehouse, [(wrap, 5), (tape, 2)])
    post("receipt", other_warehouse, [(wrap, 1)])
    post("shipment", warehouse, [(tape, 2)])

    page = clerk_client.get(url(f"{STOCK}_changelist")).content.decode()
    assert url("inventory_product_change", wrap.pk) in page
    assert url("warehouses_warehouse_change", warehouse.pk) in page

    def listed(query):
        return [
            (r.warehouse.code, r.product.sku, r.quantity) for r in rows(clerk_client, STOCK, query)
        ]

    assert listed(f"?warehouse__id__exact={other_warehouse.pk}") == [
        (other_warehouse.code, "WRAP", 1)
    ]
    assert listed("?q=pallet") == [(warehouse.code, "WRAP", 5), (other_warehouse.code, "WRAP", 1)]
    assert listed(f"?in_stock=no&warehouse__id__exact={warehouse.pk}") == [
        (warehouse.code, "TAPE", 0)
    ]
    assert len(listed("?in_stock=yes")) == 2


def test_totals_are_listed_per_product(clerk_client, warehouse, other_warehouse):
    wrap = ProductFactory(sku="WRAP")
    post("receipt", warehouse, [(wrap, 5)])
    post("receipt", other_warehouse, [(wrap, 1), (ProductFactory(sku="BOX", unit="box"), 3)])

    assert [(r.product.sku, r.quantity) for r in rows(clerk_client, TOTALS)] == [
        ("BOX", 3),
        ("WRAP", 6),
    ]
    assert [r.product.sku for r in rows(clerk_client, TOTALS, "?product__unit__exact=box")] == [
        "BOX"
    ]
    assert [r.product.sku for r in rows(clerk_client, TOTALS, "?q=wra")] == ["WRAP"]


def test_the_ledger_is_listed_newest_first_with_links(clerk_client, warehouse, product):
    receipt = post("receipt", warehouse, [(product, 5)])
    shipment = post("shipment", warehouse, [(product, 2)])

    listed = rows(clerk_client, MOVEMENTS)
    assert [(m.document.number, m.quantity) for m in listed] == [
        (shipment.number, -2),
        (receipt.number, 5),
    ]
    page = clerk_client.get(url(f"{MOVEMENTS}_changelist")).content.decode()
    assert url("documents_document_change", shipment.pk) in page
    assert '<td class="field-signed_quantity">-2</td>' in page
    only = rows(clerk_client, MOVEMENTS, "?document__doc_type__exact=shipment")
    assert [m.document.number for m in only] == [shipment.number]
    assert [m.quantity for m in rows(clerk_client, MOVEMENTS, f"?q={receipt.number}")] == [5]


@pytest.mark.parametrize("name", [STOCK, TOTALS, MOVEMENTS])
def test_the_lists_are_read_only_even_for_a_superuser(admin_client, warehouse, product, name):
    post("receipt", warehouse, [(product, 5)])
    model = {STOCK: WarehouseInventory, TOTALS: Inventory, MOVEMENTS: StockMovement}[name]
    row = model.objects.first()

    assert admin_client.get(url(f"{name}_add")).status_code == 403
    change = admin_client.get(url(f"{name}_change", row.pk))
    assert change.status_code == 200 and change.context["has_change_permission"] is False
    assert admin_client.post(url(f"{name}_change", row.pk), {"quantity": 99}).status_code == 403
    assert admin_client.post(url(f"{name}_delete", row.pk), {"post": "yes"}).status_code == 403
    row.refresh_from_db()
    assert row.quantity == 5


@pytest.mark.parametrize("name", [STOCK, TOTALS, MOVEMENTS])
def test_the_lists_need_no_query_per_row(clerk_client, name):
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert clerk_client.get(url(f"{name}_changelist")).status_code == 200
        return len(captured)

    post("receipt", WarehouseFactory(), [(ProductFactory(), 1)])
    one = queries()
    for _ in range(5):
        post("receipt", WarehouseFactory(), [(p, 1) for p in ProductFactory.create_batch(5)])
    assert queries() == one


def test_stock_totals_and_products_show_what_is_promised(clerk_client, warehouse):
    wrap = ProductFactory(sku="WRAP")
    post("receipt", warehouse, [(wrap, 5)])
    document_reserve(document_id=make_document("shipment", warehouse, [(wrap, 2)]).pk)

    for name in (STOCK, TOTALS, "inventory_product"):
        page = clerk_client.get(url(f"{name}_changelist")).content.decode()
        cells = {
            column: re.findall(rf'<td class="field-{column}[^"]*">(\d+)</td>', page)
            for column in ("reserved", "available", "total_reserved", "total_available")
        }
        if name == "inventory_product":
            assert (cells["total_reserved"], cells["total_available"]) == (["2"], ["3"]), name
        else:
            assert (cells["reserved"], cells["available"]) == (["2"], ["3"]), name
