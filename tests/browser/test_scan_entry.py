"""Scan-first line entry in a real browser: a keyboard-wedge scanner at full speed."""

import random

import pytest

from documents.models import Document
from tests.browser.conftest import screenshot
from tests.browser.test_admin_in_browser import log_in, pick
from tests.conftest import post, staff_user
from tests.factories import ProductFactory, WarehouseFactory

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


def new_receipt(page, live_server, warehouse):
    page.goto(f"{live_server.url}/admin/documents/document/add/")
    page.select_option("#id_doc_type", "receipt")
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
    page.goto(f"{live_server.url}/admin/documents/document/add/")
    page.select_option("#id_doc_type", "shipment")
    pick(page, "id_warehouse", warehouse.code)
    page.focus("#scan-code")
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
