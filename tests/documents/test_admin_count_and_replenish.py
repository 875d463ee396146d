"""Starting a count of a warehouse, and turning what is short into draft receipts or
transfers: drafts written through the services, with the quantities the screen showed."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from documents.models import DocType, Document, Status
from inventory.models import ReorderPoint
from tests.factories import ProductFactory, WarehouseFactory
from tests.support.documents import post

pytestmark = pytest.mark.django_db

START = reverse("admin:documents_document_start_count")
REPLENISH = reverse("admin:documents_document_replenish")


def test_a_count_starts_with_every_product_in_stock_at_its_book_quantity(manager_client):
    main = WarehouseFactory(code="MAIN")
    pen, cup, gone = ProductFactory(sku="PEN"), ProductFactory(sku="CUP"), ProductFactory()
    post("receipt", main, [(pen, 7), (cup, 3), (gone, 1)])
    post("shipment", main, [(gone, 1)])
    response = manager_client.post(START, {"warehouse": main.pk})
    count = Document.objects.get(doc_type=DocType.COUNT)
    assert response.status_code == 302 and response["Location"].endswith(f"/{count.pk}/change/")
    assert count.status == Status.DRAFT
    assert sorted((line.product.sku, line.quantity) for line in count.lines.all()) == [
        ("CUP", 3),
        ("PEN", 7),
    ]


def test_an_empty_warehouse_has_nothing_to_count(manager_client, warehouse):
    response = manager_client.post(START, {"warehouse": warehouse.pk})
    assert "has nothing in stock to count" in response.content.decode()
    assert not Document.objects.exists()


def test_a_clerk_cannot_start_a_count_nor_sees_the_link(clerk_client, warehouse):
    refused = clerk_client.post(START, {"warehouse": warehouse.pk}, follow=True)
    assert [str(m) for m in refused.context["messages"]] == [
        "Counts are started and posted by a warehouse manager."
    ]
    assert not Document.objects.filter(doc_type="count").exists()
    page = clerk_client.get(reverse("admin:documents_document_changelist")).content.decode()
    assert "Start a count" not in page and "Replenish" in page


@pytest.fixture
def short_points(db):
    main, east, hub = (WarehouseFactory(code=c) for c in ("MAIN", "EAST", "HUB"))
    pen, cup = ProductFactory(sku="PEN"), ProductFactory(sku="CUP")
    post("receipt", main, [(pen, 2)])
    post("receipt", hub, [(pen, 100), (cup, 4)])
    points = [
        ReorderPoint.objects.create(warehouse=w, product=p, min_quantity=5, target_quantity=20)
        for w, p in ((main, pen), (main, cup), (east, pen))
    ]
    return main, east, hub, pen, cup, points


def test_the_short_rows_are_listed_with_what_to_order(manager_client, short_points):
    page = manager_client.get(REPLENISH).content.decode()
    assert re.findall(r'<td class="num to-order">(\d+)</td>', page) == ["20", "20", "18"]


def test_short_rows_become_one_draft_receipt_per_warehouse(manager_client, short_points):
    main, east, _, pen, cup, points = short_points
    response = manager_client.post(
        REPLENISH,
        {"points": [p.pk for p in points], "mode": "receipt", "reference": "PO-SUPPLIER-9"},
    )
    assert response.status_code == 302
    receipts = Document.objects.filter(doc_type=DocType.RECEIPT, status=Status.DRAFT)
    made = {
        (
            d.warehouse.code,
            d.reference,
            tuple(sorted((x.product.sku, x.quantity) for x in d.lines.all())),
        )
        for d in receipts
    }
    assert made == {
        ("MAIN", "PO-SUPPLIER-9", (("CUP", 20), ("PEN", 18))),
        ("EAST", "PO-SUPPLIER-9", (("PEN", 20),)),
    }


def test_transfers_only_for_what_the_source_has_enough_of(manager_client, short_points):
    main, east, hub, pen, cup, points = short_points
    response = manager_client.post(
        REPLENISH,
        {"points": [p.pk for p in points], "mode": "transfer", "source": hub.pk},
        follow=True,
    )
    transfers = Document.objects.filter(doc_type=DocType.TRANSFER)
    made = {
        (
            d.warehouse.code,
            d.destination_warehouse.code,
            tuple((x.product.sku, x.quantity) for x in d.lines.all()),
        )
        for d in transfers
    }
    assert made == {("HUB", "MAIN", (("PEN", 18),)), ("HUB", "EAST", (("PEN", 20),))}
    assert "CUP for MAIN: HUB has 4, 20 are needed." in response.content.decode()


def test_a_transfer_needs_a_source(manager_client, short_points):
    points = short_points[-1]
    response = manager_client.post(REPLENISH, {"points": [points[0].pk], "mode": "transfer"})
    assert "Choose the warehouse the transfers come from." in response.content.decode()
    assert not Document.objects.filter(doc_type=DocType.TRANSFER).exists()


def test_the_replenishment_screen_needs_no_query_per_row(manager_client):
    warehouse = WarehouseFactory()

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert manager_client.get(REPLENISH).status_code == 200
        return len(captured)

    ReorderPoint.objects.create(
        warehouse=warehouse, product=ProductFactory(), min_quantity=1, target_quantity=2
    )
    few = queries()
    for product in ProductFactory.create_batch(10):
        ReorderPoint.objects.create(
            warehouse=warehouse, product=product, min_quantity=1, target_quantity=2
        )
    assert queries() == few
