"""Printable papers: delivery notes, count sheets with and without book quantities, the
posted count's book/counted/difference, product labels; a fixed number of queries."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.documents.admin_helpers import change_url
from tests.factories import ProductFactory
from tests.support.documents import make_document, post

pytestmark = pytest.mark.django_db


def paper_url(document) -> str:
    return reverse("admin:documents_document_paper", args=[document.pk])


def cells(page: str, css: str) -> list[str]:
    return [c.strip() for c in re.findall(rf'<td class="num {css}">(.*?)</td>', page, re.S)]


def test_a_delivery_note_lists_the_lines_with_barcodes(clerk_client, warehouse):
    pen = ProductFactory(sku="PEN", name="Blue pen", barcode="04006381333931")
    cup = ProductFactory(sku="CUP", name="Cup")
    post("receipt", warehouse, [(pen, 10), (cup, 10)])
    shipment = make_document("shipment", warehouse, [(pen, 3), (cup, 2)], reference="SO-7")
    page = clerk_client.get(paper_url(shipment)).content.decode()
    assert "<h1>Delivery note</h1>" in page
    assert shipment.number in page and "SO-7" in page
    assert page.count("<svg") == 3  # the number and one per line
    assert re.findall(r'<td class="sku">(\w+)</td>', page) == ["CUP", "PEN"]
    assert "Received in good order" in page
    assert "Delivery note" in clerk_client.get(change_url(shipment)).content.decode()


def test_a_count_sheet_shows_the_book_or_is_blind(manager_client, warehouse):
    pen = ProductFactory(sku="PEN")
    post("receipt", warehouse, [(pen, 12)])
    count = make_document("count", warehouse, [(pen, 0)])
    assert cells(manager_client.get(paper_url(count)).content.decode(), "book") == ["12"]
    blind = manager_client.get(paper_url(count) + "?blind=1").content.decode()
    assert cells(blind, "book") == [] and ">Book<" not in blind


def test_a_posted_count_shows_book_counted_and_difference(manager_client, warehouse):
    pen, cup = ProductFactory(sku="PEN"), ProductFactory(sku="CUP")
    post("receipt", warehouse, [(pen, 12), (cup, 5)])
    count = post("count", warehouse, [(pen, 9), (cup, 5)])
    post("receipt", warehouse, [(pen, 100)])  # later stock does not change what was counted
    page = manager_client.get(change_url(count)).content.decode()
    book = re.findall(r'<td class="field-book">\s*<p>(-?\d+)</p>', page)
    difference = re.findall(r'<td class="field-difference">\s*<p>([-+]?\d+)</p>', page)
    assert (book, difference) == (["12", "5"], ["-3", "0"])
    paper = manager_client.get(paper_url(count)).content.decode()
    assert cells(paper, "book") == ["5", "12"]  # by SKU: CUP, PEN


def test_papers_need_no_query_per_line(manager_client, warehouse):
    products = ProductFactory.create_batch(20)
    post("receipt", warehouse, [(p, 5) for p in products])
    small = make_document("shipment", warehouse, [(products[0], 1)])
    large = make_document("shipment", warehouse, [(p, 1) for p in products])

    def queries(document) -> int:
        with CaptureQueriesContext(connection) as captured:
            assert manager_client.get(paper_url(document)).status_code == 200
        return len(captured)

    assert queries(large) == queries(small)


def test_product_labels_for_the_selected_products(manager_client):
    pen = ProductFactory(sku="PEN", barcode="04006381333931")
    cup = ProductFactory(sku="CUP")
    response = manager_client.post(
        reverse("admin:inventory_product_changelist"),
        {"action": "print_labels", "_selected_action": [pen.pk, cup.pk]},
    )
    page = response.content.decode()
    assert re.findall(r'data-sku="(\w+)"', page) == ["CUP", "PEN"]
    assert page.count("<svg") == 2
    # The EAN-13 under the PEN's bars, the SKU under the CUP's (Code 128)
    assert re.findall(r"<text[^>]*>([^<]*)</text>", page) == ["CUP", "4006381333931"]


def test_labels_need_no_query_per_product(manager_client):
    def queries(products) -> int:
        with CaptureQueriesContext(connection) as captured:
            manager_client.post(
                reverse("admin:inventory_product_changelist"),
                {"action": "print_labels", "_selected_action": [p.pk for p in products]},
            )
        return len(captured)

    assert queries(ProductFactory.create_batch(1)) == queries(ProductFactory.create_batch(15))


def print_location_labels(client, locations):
    return client.post(
        reverse("admin:warehouses_location_changelist"),
        {"action": "print_labels", "_selected_action": [loc.pk for loc in locations]},
    )


def test_location_labels_carry_the_path_and_a_barcode_the_scan_input_reads(
    manager_client, warehouse
):
    from warehouses.services import location_create

    aisle = location_create(warehouse_id=warehouse.pk, code="A", name="Aisle A")
    shelf = location_create(parent_id=aisle.pk, code="01", barcode="LOC-A01")
    page = print_location_labels(manager_client, [shelf, aisle]).content.decode()
    code = warehouse.code
    assert re.findall(r'<div class="title">([^<]*)</div>', page) == [f"{code}/A", f"{code}/A/01"]
    assert page.count("<svg") == 2
    # Each label's text under the bars is what a scan of it resolves
    texts = re.findall(r"<text[^>]*>([^<]*)</text>", page)
    assert texts == [f"{code}/A", "LOC-A01"]
    for text, location in zip(texts, (aisle, shelf), strict=True):
        assert (
            manager_client.get("/admin/documents/document/scan/", {"code": text}).json()["location"]
            == location.pk
        )


def test_location_labels_need_no_query_per_location(manager_client, warehouse):
    from warehouses.services import location_create

    few = [location_create(warehouse_id=warehouse.pk, code="X")]
    many = [location_create(warehouse_id=warehouse.pk, code=f"Y{n}") for n in range(12)]

    def queries(locations) -> int:
        with CaptureQueriesContext(connection) as captured:
            assert print_location_labels(manager_client, locations).status_code == 200
        return len(captured)

    assert queries(few) == queries(many)
