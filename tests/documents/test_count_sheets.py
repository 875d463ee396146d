"""Count sheets over quants: a count of a warehouse or of a location subtree gets one line per
(location, product, lot) in stock, with its book quantity or blind; the sheet prints that way;
posted, each line shows book, counted and difference."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from documents.models import DocType, Document
from documents.services import LineInput, document_create, document_post, document_update
from tests.factories import ProductFactory, WarehouseFactory
from tests.support.stock import held
from warehouses.services import location_create

pytestmark = pytest.mark.django_db

START = reverse("admin:documents_document_start_count")


def paper_url(document) -> str:
    return reverse("admin:documents_document_paper", args=[document.pk])


def receive(warehouse, lines):
    receipt = document_create(doc_type="receipt", warehouse_id=warehouse.pk, lines=lines)
    return document_post(document_id=receipt.pk)


@pytest.fixture
def floor(db):
    """MAIN with A/01, A/02 and B; PEN (untracked) and MILK (lot-tracked) spread over them."""
    main = WarehouseFactory(code="MAIN")
    aisle = location_create(warehouse_id=main.pk, code="A")
    a1 = location_create(parent_id=aisle.pk, code="01", barcode="LOC-A01")
    a2 = location_create(parent_id=aisle.pk, code="02")
    b = location_create(warehouse_id=main.pk, code="B")
    pen = ProductFactory(sku="PEN")
    milk = ProductFactory(sku="MILK", tracking="lot")
    receive(
        main,
        [
            LineInput(pen.pk, 5, location_id=a1.pk),
            LineInput(milk.pk, 3, location_id=a1.pk, lot="L1"),
            LineInput(milk.pk, 4, location_id=a1.pk, lot="L2"),
            LineInput(pen.pk, 2, location_id=a2.pk),
            LineInput(pen.pk, 9, location_id=b.pk),
        ],
    )
    return main, a1, a2, b, pen, milk


def lines_of(count) -> list[tuple]:
    return [
        (
            line.location.full_path,
            line.product.sku,
            line.lot.code if line.lot else None,
            line.quantity,
        )
        for line in count.lines.select_related("location__warehouse", "product", "lot").order_by(
            "location__path", "product__sku", "lot__code"
        )
    ]


def test_a_warehouse_count_has_one_line_per_quant_at_its_book(manager_client, floor):
    main, *_ = floor
    response = manager_client.post(START, {"warehouse": main.pk})
    count = Document.objects.get(doc_type=DocType.COUNT)
    assert response["Location"].endswith(f"/{count.pk}/change/")
    assert count.reference == "Count of MAIN"
    assert lines_of(count) == [
        ("MAIN/A/01", "MILK", "L1", 3),
        ("MAIN/A/01", "MILK", "L2", 4),
        ("MAIN/A/01", "PEN", None, 5),
        ("MAIN/A/02", "PEN", None, 2),
        ("MAIN/B", "PEN", None, 9),
    ]


@pytest.mark.parametrize("code", ["MAIN/A", "LOC-A01"])  # a path, a shelf's barcode
def test_a_location_count_takes_the_subtree_only(manager_client, floor, code):
    main = floor[0]
    manager_client.post(START, {"location": code})
    count = Document.objects.get(doc_type=DocType.COUNT)
    expected = [
        ("MAIN/A/01", "MILK", "L1", 3),
        ("MAIN/A/01", "MILK", "L2", 4),
        ("MAIN/A/01", "PEN", None, 5),
    ]
    if code == "MAIN/A":
        expected.append(("MAIN/A/02", "PEN", None, 2))
    assert lines_of(count) == expected
    assert count.warehouse_id == main.pk


def test_a_blind_count_starts_every_line_at_zero(manager_client, floor):
    manager_client.post(START, {"location": "MAIN/A/02", "blind": "on"})
    count = Document.objects.get(doc_type=DocType.COUNT)
    assert lines_of(count) == [("MAIN/A/02", "PEN", None, 0)]
    assert count.reference == "Blind count of MAIN/A/02"
    page = manager_client.get(reverse("admin:documents_document_change", args=[count.pk]))
    assert "field-in_stock" not in page.content.decode()  # no book on screen


@pytest.mark.parametrize(
    ("data", "error"),
    [
        ({}, "Choose a warehouse, or name a location."),
        ({"location": "MAIN/Z"}, "No active location has the path or barcode MAIN/Z."),
        ({"location": "MAIN/B", "warehouse": "other"}, "MAIN/B is not in EAST."),
        ({"location": "MAIN/C"}, "MAIN/C has nothing in stock to count."),
    ],
)
def test_a_count_that_cannot_start_says_why_and_makes_nothing(manager_client, floor, data, error):
    main = floor[0]
    location_create(warehouse_id=main.pk, code="C")
    if data.get("warehouse") == "other":
        data["warehouse"] = WarehouseFactory(code="EAST").pk
    page = manager_client.post(START, data).content.decode()
    assert error in page
    assert not Document.objects.filter(doc_type=DocType.COUNT).exists()


def book_cells(page: str) -> list[str]:
    return re.findall(r'<td class="num book">(\d*)</td>', page)


def test_the_count_sheet_lists_location_lot_and_the_quants_book(manager_client, floor):
    main, *_ = floor
    manager_client.post(START, {"warehouse": main.pk})
    count = Document.objects.get(doc_type=DocType.COUNT)
    page = manager_client.get(paper_url(count)).content.decode()
    assert re.findall(r'<td class="location">([^<]*)</td>', page) == [
        "MAIN/A/01",
        "MAIN/A/01",
        "MAIN/A/01",
        "MAIN/A/02",
        "MAIN/B",
    ]
    assert re.findall(r'<td class="lot">([^<]*)</td>', page) == ["L1", "L2", "", "", ""]
    assert book_cells(page) == ["3", "4", "5", "2", "9"]  # each quant's, not the warehouse's 16
    blind = manager_client.get(paper_url(count) + "?blind=1").content.decode()
    assert book_cells(blind) == [] and ">Book<" not in blind


def test_a_posted_quant_count_shows_book_counted_and_difference(manager_client, floor):
    main, *_ = floor
    manager_client.post(START, {"warehouse": main.pk})
    count = Document.objects.get(doc_type=DocType.COUNT)
    counted = {("MILK", "L2"): 1, ("PEN", "MAIN/B"): 12}
    lines = []
    for line in count.lines.select_related("product", "lot", "location"):
        key = (line.product.sku, line.lot.code if line.lot else line.location.full_path)
        lines.append(
            LineInput(
                line.product_id,
                counted.get(key, line.quantity),
                location_id=line.location_id,
                lot=line.lot.code if line.lot else None,
            )
        )
    document_update(document_id=count.pk, lines=lines)
    document_post(document_id=count.pk)
    assert held(floor[4]) == {("MAIN/A/01", None): 5, ("MAIN/A/02", None): 2, ("MAIN/B", None): 12}
    assert held(floor[5]) == {("MAIN/A/01", "L1"): 3, ("MAIN/A/01", "L2"): 1}
    paper = manager_client.get(paper_url(count)).content.decode()
    assert book_cells(paper) == ["3", "4", "5", "2", "9"]
    assert re.findall(r'<td class="num">([-+]\d+)</td>', paper) == ["+0", "-3", "+0", "+0", "+3"]
    page = manager_client.get(reverse("admin:documents_document_change", args=[count.pk]))
    book = re.findall(r'<td class="field-book">\s*<p>(-?\d+)</p>', page.content.decode())
    assert sorted(map(int, book)) == [2, 3, 4, 5, 9]


def test_starting_a_count_costs_the_same_queries_whatever_the_number_of_quants(manager_client):
    def queries(quants: int) -> int:
        warehouse = WarehouseFactory()
        products = ProductFactory.create_batch(quants, tracking="lot")
        receive(warehouse, [LineInput(p.pk, 2, lot=f"L-{p.pk}") for p in products])
        with CaptureQueriesContext(connection) as captured:
            response = manager_client.post(START, {"warehouse": warehouse.pk})
        assert response.status_code == 302
        return len(captured)

    assert queries(2) == queries(25)
