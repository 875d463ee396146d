"""Scan-first line entry in a real browser: a keyboard-wedge scanner at full speed."""

import random

import pytest

from documents.models import Document
from tests.browser.conftest import screenshot
from tests.browser.test_admin_in_browser import log_in, pick
from tests.factories import ProductFactory, WarehouseFactory
from tests.support.documents import post
from tests.support.users import staff_user

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def scanner(page, code: str, rng: random.Random) -> None:
    """Type like a keyboard-wedge scanner: 0-10 ms per key, then Enter."""
    for char in code:
        page.keyboard.type(char, delay=0)
        page.wait_for_timeout(rng.randint(0, 10))
    page.keyboard.press("Enter")


def settled(page) -> None:
    page.wait_for_selector("#scan-entry[data-pending='0']", state="attached")


def line_quantities(page) -> dict[str, int]:
    """{product label: quantity} of the lines on screen."""
    rows = page.locator("#lines-group tr.form-row:not(.empty-form)")
    found = {}
    for n in range(rows.count()):
        row = rows.nth(n)
        label = row.locator("td.field-product .select2-selection__rendered").inner_text().strip()
        if label and label != "---------":
            found[label.split(" — ")[0].lstrip("×").strip()] = int(
                row.locator("input[name$='-quantity']").input_value()
            )
    return found


def new_receipt(page, live_server, warehouse, doc_type="receipt"):
    """A new document's form with its type and warehouse chosen, the scan input focused."""
    page.goto(f"{live_server.url}/admin/documents/document/add/")
    page.select_option("#id_doc_type", doc_type)
    pick(page, "id_warehouse", warehouse.code)
    page.wait_for_selector("#scan-entry[data-ready='true']", state="attached")
    page.focus("#scan-code")


def test_a_scanner_at_full_speed_adds_the_right_products_every_time(page, live_server):
    warehouse = WarehouseFactory(code="MAIN")
    products = [ProductFactory(sku=f"SKU-100{n}", name=f"Box {n}") for n in range(1, 6)]
    ProductFactory(sku="SKU-10", name="Decoy with a prefix of every SKU")
    products[4].barcode = "04006381333931"
    products[4].save()
    log_in(page, live_server, staff_user("Warehouse clerk"))
    new_receipt(page, live_server, warehouse)

    rng = random.Random(1005)
    expected: dict[str, int] = {}
    for _ in range(20):
        product = rng.choice(products)
        code = "4006381333931" if product.barcode and rng.random() < 0.5 else product.sku
        scanner(page, code, rng)
        expected[product.sku] = expected.get(product.sku, 0) + 1
    settled(page)
    assert line_quantities(page) == expected
    assert page.input_value("#scan-code") == ""
    screenshot(page, "11-scanned-receipt")

    page.click("input[name=_continue]")
    receipt = Document.objects.get(doc_type="receipt")
    assert {line.product.sku: line.quantity for line in receipt.lines.all()} == expected


@pytest.fixture
def clerk_receipt(page, live_server):
    """A clerk on a new receipt's form, the scan input focused; SKU-1001 exists."""
    warehouse = WarehouseFactory(code="MAIN")
    ProductFactory(sku="SKU-1001")
    log_in(page, live_server, staff_user("Warehouse clerk"))
    new_receipt(page, live_server, warehouse)
    return page


def test_enter_after_a_scan_never_submits(clerk_receipt):
    page = clerk_receipt
    rng = random.Random(8)
    scanner(page, "SKU-1001", rng)
    settled(page)
    page.keyboard.press("Tab")  # to the quantity of the line just scanned
    assert page.evaluate("document.activeElement.name") == "lines-0-quantity"
    page.keyboard.type("7")
    page.keyboard.press("Enter")  # back to the scan input, not a submit
    assert page.evaluate("document.activeElement.id") == "scan-code"
    page.focus("#id_lines-0-quantity")
    scanner(page, "12", rng)  # a scan that lands in the quantity field
    page.focus("#id_reference")
    page.keyboard.press("Enter")
    page.wait_for_timeout(300)
    assert "/add/" in page.url
    assert not Document.objects.exists()
    assert line_quantities(page) == {"SKU-1001": 712}


def test_an_unknown_code_is_said_and_changes_nothing(clerk_receipt):
    page = clerk_receipt
    rng = random.Random(3)
    scanner(page, "SKU-1001", rng)
    scanner(page, "SKU-9999", rng)
    settled(page)
    status = page.locator("#scan-entry .scan-status")
    assert status.inner_text() == "Not added: Unknown code: SKU-9999."
    assert "scan-error" in status.get_attribute("class")
    assert line_quantities(page) == {"SKU-1001": 1}
    screenshot(page, "12-unknown-code")


def test_a_gs1_scan_fills_product_and_count_and_shows_lot_and_expiry(page, live_server):
    warehouse = WarehouseFactory(code="MAIN")
    milk = ProductFactory(sku="MILK-1", name="Milk", barcode="04006381333931")
    post("receipt", warehouse, [(milk, 40)])
    log_in(page, live_server, staff_user("Warehouse clerk"))
    new_receipt(page, live_server, warehouse, "shipment")
    scanner(page, "(01)04006381333931(10)L-77(17)271231(37)12", random.Random(5))
    settled(page)
    assert line_quantities(page) == {"MILK-1": 12}
    row = page.locator("#lines-group tr.form-row").first
    assert row.locator("td.field-unit").inner_text().strip() == "piece"
    assert row.locator("td.field-in_stock").inner_text().strip() == "40"
    assert page.inner_text("#scan-entry .scan-status") == (
        "MILK-1 — Milk: 12 piece (lot L-77, expires 2027-12-31)"
    )
    screenshot(page, "13-gs1-scan")


def test_scanning_a_count_replaces_the_book_quantity_then_adds(page, live_server):
    warehouse = WarehouseFactory(code="MAIN")
    pen, cup = ProductFactory(sku="PEN"), ProductFactory(sku="CUP")
    post("receipt", warehouse, [(pen, 12), (cup, 4)])
    log_in(page, live_server, staff_user("Warehouse manager"))
    page.goto(f"{live_server.url}/admin/documents/document/start-count/")
    page.select_option("select[name=warehouse]", str(warehouse.pk))
    page.click("input[type=submit]")
    page.wait_for_selector("#scan-entry[data-ready='true']", state="attached")
    assert line_quantities(page) == {"CUP": 4, "PEN": 12}  # the book, as started
    page.focus("#scan-code")
    rng = random.Random(12)
    for code in ("PEN", "PEN", "PEN"):
        scanner(page, code, rng)
    settled(page)
    assert line_quantities(page) == {"CUP": 4, "PEN": 3}
    page.click("input[name=_continue]")
    count = Document.objects.get(doc_type="count")
    assert {line.product.sku: line.quantity for line in count.lines.all()} == {"CUP": 4, "PEN": 3}


def line_fields(page) -> list[dict]:
    """Product SKU, quantity, lot, expiry and location ids of each line on screen."""
    return page.evaluate(
        """() => Array.from(document.querySelectorAll('#lines-group tr.form-row:not(.empty-form)'))
        .map((row) => {
            const value = (name) => {
                const input = row.querySelector(`[name$="-${name}"]`);
                return input ? input.value : null;
            };
            const label = row.querySelector('td.field-product .select2-selection__rendered');
            return {sku: label ? label.textContent.split(' — ')[0].replace('×', '').trim() : '',
                    quantity: value('quantity'), lot: value('lot_code'),
                    expires_on: value('expires_on'), location: value('location'),
                    destination: value('destination_location')};
        }).filter((line) => line.sku && line.sku !== '---------')"""
    )


def test_a_gs1_scan_fills_product_lot_and_expiry(page, live_server):
    warehouse = WarehouseFactory(code="MAIN")
    ProductFactory(sku="MILK-1", name="Milk", barcode="04006381333931", tracking="lot")
    log_in(page, live_server, staff_user("Warehouse clerk"))
    new_receipt(page, live_server, warehouse)
    rng = random.Random(17)
    scanner(page, "(01)04006381333931(10)L-77(17)271231", rng)
    scanner(page, "(01)04006381333931(10)L-77(17)271231", rng)  # the same lot: one more
    scanner(page, "(01)04006381333931(10)L-78(17)280131(37)6", rng)  # another lot: a new line
    settled(page)
    assert line_fields(page) == [
        {
            "sku": "MILK-1",
            "quantity": "2",
            "lot": "L-77",
            "expires_on": "2027-12-31",
            "location": "",
            "destination": "",
        },
        {
            "sku": "MILK-1",
            "quantity": "6",
            "lot": "L-78",
            "expires_on": "2028-01-31",
            "location": "",
            "destination": "",
        },
    ]
    screenshot(page, "14-gs1-lots")
    page.click("input[name=_continue]")
    receipt = Document.objects.get(doc_type="receipt")
    assert sorted(
        (line.lot.code, str(line.lot.expires_on), line.quantity) for line in receipt.lines.all()
    ) == [("L-77", "2027-12-31", 2), ("L-78", "2028-01-31", 6)]


@pytest.fixture
def shelves(db):
    from warehouses.services import location_create

    main, east = WarehouseFactory(code="MAIN"), WarehouseFactory(code="EAST")
    a1 = location_create(warehouse_id=main.pk, code="A1", barcode="LOC-A1")
    b2 = location_create(warehouse_id=main.pk, code="B2", barcode="LOC-B2")
    location_create(warehouse_id=east.pk, code="E1", barcode="LOC-E1")
    return main, east, a1, b2


def test_a_location_scan_sets_where_the_next_lines_go(page, live_server, shelves):
    main, east, a1, b2 = shelves
    ProductFactory(sku="PEN")
    log_in(page, live_server, staff_user("Warehouse clerk"))
    new_receipt(page, live_server, main)
    where = page.locator("#scan-entry .scan-where")
    assert where.inner_text() == "Put away at: —"
    rng = random.Random(21)
    scanner(page, "LOC-A1", rng)
    scanner(page, "PEN", rng)
    scanner(page, "PEN", rng)
    scanner(page, "MAIN/B2", rng)  # a path works as well as a barcode
    scanner(page, "PEN", rng)
    scanner(page, "LOC-E1", rng)  # another warehouse's shelf: refused aloud
    settled(page)
    status = page.locator("#scan-entry .scan-status")
    assert status.inner_text() == "Not used: EAST/E1 is not in the document's warehouse."
    assert "scan-error" in status.get_attribute("class")
    assert where.inner_text() == "Put away at: MAIN/B2"
    assert [(x["quantity"], x["location"]) for x in line_fields(page)] == [
        ("2", str(a1.pk)),
        ("1", str(b2.pk)),
    ]
    screenshot(page, "15-location-scans")
    page.click("input[name=_continue]")
    receipt = Document.objects.get(doc_type="receipt")
    assert sorted((x.location.code, x.quantity) for x in receipt.lines.all()) == [
        ("A1", 2),
        ("B2", 1),
    ]


def test_a_transfer_takes_its_from_and_to_locations_from_scans(page, live_server, shelves):
    main, east, a1, b2 = shelves
    pen, cup = ProductFactory(sku="PEN"), ProductFactory(sku="CUP")
    post("receipt", main, [(pen, 5), (cup, 5)])
    log_in(page, live_server, staff_user("Warehouse clerk"))
    page.goto(f"{live_server.url}/admin/documents/document/add/")
    page.select_option("#id_doc_type", "transfer")
    pick(page, "id_warehouse", main.code)
    pick(page, "id_destination_warehouse", main.code)  # a move within MAIN
    page.focus("#scan-code")
    rng = random.Random(4)
    for code in ("LOC-A1", "PEN", "LOC-B2", "CUP"):  # from, product, to, product
        scanner(page, code, rng)
    settled(page)
    assert page.inner_text("#scan-entry .scan-where") == "From MAIN/A1 → to MAIN/B2"
    assert [(x["sku"], x["location"], x["destination"]) for x in line_fields(page)] == [
        ("PEN", str(a1.pk), str(b2.pk)),
        ("CUP", str(a1.pk), str(b2.pk)),
    ]
    scanner(page, "LOC-E1", rng)
    settled(page)
    assert page.inner_text("#scan-entry .scan-status") == (
        "Not used: EAST/E1 is not in the document's warehouses."
    )


def test_in_stock_follows_the_documents_warehouse(page, live_server, shelves):
    main, east, *_ = shelves
    pen = ProductFactory(sku="PEN")
    post("receipt", main, [(pen, 7)])
    post("receipt", east, [(pen, 3)])
    log_in(page, live_server, staff_user("Warehouse clerk"))
    new_receipt(page, live_server, main, "shipment")
    scanner(page, "PEN", random.Random(2))
    settled(page)
    cell = page.locator("#lines-group tr.form-row td.field-in_stock").first
    assert cell.inner_text().strip() == "7"
    pick(page, "id_warehouse", east.code)
    page.wait_for_selector("#scan-entry[data-stock='done']", state="attached")
    assert cell.inner_text().strip() == "3"


def test_a_count_sheet_is_filled_by_scanning_location_then_product(page, live_server, shelves):
    main, east, a1, b2 = shelves
    pen = ProductFactory(sku="PEN")
    from documents.services import LineInput, document_create, document_post

    receipt = document_create(
        doc_type="receipt",
        warehouse_id=main.pk,
        lines=[LineInput(pen.pk, 4, location_id=a1.pk), LineInput(pen.pk, 6, location_id=b2.pk)],
    )
    document_post(document_id=receipt.pk)
    log_in(page, live_server, staff_user("Warehouse manager"))
    page.goto(f"{live_server.url}/admin/documents/document/start-count/")
    page.select_option("select[name=warehouse]", str(main.pk))
    page.check("input[name=blind]")
    page.click("input[type=submit]")
    page.wait_for_selector("#scan-entry[data-ready='true']", state="attached")
    assert [(x["location"], x["quantity"]) for x in line_fields(page)] == [
        (str(a1.pk), "0"),
        (str(b2.pk), "0"),
    ]
    page.focus("#scan-code")
    rng = random.Random(9)
    for code in ("LOC-B2", "PEN", "PEN", "LOC-A1", "PEN"):
        scanner(page, code, rng)
    settled(page)
    assert [(x["location"], x["quantity"]) for x in line_fields(page)] == [
        (str(a1.pk), "1"),
        (str(b2.pk), "2"),
    ]
    page.click("input[name=_continue]")
    count = Document.objects.get(doc_type="count")
    assert sorted((x.location.code, x.quantity) for x in count.lines.all()) == [
        ("A1", 1),
        ("B2", 2),
    ]


def test_a_serial_scanned_twice_is_refused_at_once(page, live_server):
    warehouse = WarehouseFactory(code="MAIN")
    ProductFactory(sku="PHONE-1", name="Phone", barcode="04006381333931", tracking="serial")
    log_in(page, live_server, staff_user("Warehouse clerk"))
    new_receipt(page, live_server, warehouse)
    rng = random.Random(23)
    scanner(page, "(01)04006381333931(21)SN-1", rng)
    scanner(page, "(01)04006381333931(21)SN-1", rng)  # the same piece again
    settled(page)
    status = page.locator("#scan-entry .scan-status")
    assert status.inner_text() == "Not added: serial SN-1 of PHONE-1 is already on this document."
    assert "scan-error" in status.get_attribute("class")
    scanner(page, "(01)04006381333931(21)SN-2", rng)  # another piece: its own line
    settled(page)
    assert [(f["lot"], f["quantity"]) for f in line_fields(page)] == [("SN-1", "1"), ("SN-2", "1")]
