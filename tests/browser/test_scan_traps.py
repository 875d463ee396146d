"""Defects 1 and 3: a scan that lands in a quantity, the type's select or a picker's search is
taken out of it and scanned where scans go; focus starts and comes back in the scan input;
implausible quantities and the totals are asked before saving and posting. The scanner types
at 0-10 ms a key; at 1,366 and 390 px."""

import random

import pytest

from documents.models import Document
from tests.browser.conftest import doc_screenshot
from tests.browser.test_admin_in_browser import log_in, pick
from tests.browser.test_scan_entry import line_quantities, new_receipt, scanner, settled
from tests.factories import ProductFactory, WarehouseFactory
from tests.support.users import staff_user

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture(params=[1366, 390])
def clerk_page(request, page, live_server):
    page.set_viewport_size({"width": request.param, "height": 900})
    warehouse = WarehouseFactory(code="MAIN")
    ProductFactory(sku="SKU-1001")
    ProductFactory(sku="SKU-1002", barcode="04006381333931")
    log_in(page, live_server, staff_user("Warehouse clerk"))
    return page, warehouse


def test_a_scan_in_a_quantity_is_taken_out_and_scanned(clerk_page, live_server):
    page, warehouse = clerk_page
    new_receipt(page, live_server, warehouse)
    rng = random.Random(4)
    scanner(page, "SKU-1001", rng)
    settled(page)
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.name") == "lines-0-quantity"
    scanner(page, "4006381333931", rng)  # the next item's barcode, into the quantity
    settled(page)
    page.wait_for_function("document.querySelector('#scan-entry').dataset.caught")
    settled(page)
    assert line_quantities(page) == {"SKU-1001": 1, "SKU-1002": 1}
    assert "landed in" in page.inner_text("#scan-entry .scan-alert")
    assert page.evaluate("document.activeElement.id") == "scan-code"


def test_a_gtin_like_quantity_typed_slowly_is_a_code_too(clerk_page, live_server):
    page, warehouse = clerk_page
    new_receipt(page, live_server, warehouse)
    scanner(page, "SKU-1001", random.Random(1))
    settled(page)
    page.fill("#id_lines-0-quantity", "4006381333931")
    page.focus("#id_reference")
    page.wait_for_function("document.querySelector('#scan-entry').dataset.caught")
    settled(page)
    assert line_quantities(page) == {"SKU-1001": 1, "SKU-1002": 1}


def test_an_implausible_quantity_needs_a_second_yes(clerk_page, live_server):
    page, warehouse = clerk_page
    new_receipt(page, live_server, warehouse)
    scanner(page, "SKU-1001", random.Random(2))
    settled(page)
    page.fill("#id_lines-0-quantity", "40000")
    asked = []
    page.once("dialog", lambda d: (asked.append(d.message), d.dismiss()))
    page.click("input[name=_continue]")
    page.wait_for_timeout(300)
    assert "SKU-1001: 40,000 is more than 10,000" in asked[0]
    assert not Document.objects.exists()
    page.once("dialog", lambda d: d.accept())
    page.click("input[name=_continue]")
    page.wait_for_selector(".messagelist")
    assert Document.objects.get().lines.get().quantity == 40000


def test_post_asks_with_the_totals_it_moves(clerk_page, live_server):
    page, warehouse = clerk_page
    new_receipt(page, live_server, warehouse)
    rng = random.Random(3)
    for code in ("SKU-1001", "SKU-1001", "SKU-1001", "4006381333931"):
        scanner(page, code, rng)
    settled(page)
    page.click("input[name=_continue]")
    page.wait_for_selector(".messagelist")
    asked = []
    page.once("dialog", lambda d: (asked.append(d.message), d.dismiss()))
    page.click("button.post-document")
    page.wait_for_timeout(300)
    assert "It moves 2 line(s), 4 in total" in asked[0]
    assert "SKU-1001 × 3" in asked[0] and "SKU-1002 × 1" in asked[0]
    assert Document.objects.get().status == "draft"


def test_focus_starts_in_the_scan_input_and_a_scan_in_the_type_changes_nothing(
    clerk_page, live_server
):
    page, warehouse = clerk_page
    page.goto(f"{live_server.url}/admin/documents/document/add/")
    page.wait_for_selector("#scan-entry[data-ready='true']", state="attached")
    assert page.evaluate("document.activeElement.id") == "scan-code"
    page.select_option("#id_doc_type", "receipt")
    page.focus("#id_doc_type")
    scanner(page, "SKU-1001", random.Random(5))  # type-ahead would choose "shipment"
    settled(page)
    assert page.input_value("#id_doc_type") == "receipt"
    assert "landed in" in page.inner_text("#scan-entry .scan-alert")
    assert page.evaluate("document.activeElement.id") == "scan-code"


def test_focus_comes_back_to_the_scan_input_after_the_warehouse_picker(clerk_page, live_server):
    page, warehouse = clerk_page
    page.goto(f"{live_server.url}/admin/documents/document/add/")
    page.select_option("#id_doc_type", "receipt")
    pick(page, "id_warehouse", "MAIN")
    page.wait_for_function("document.activeElement.id === 'scan-code'")
    doc_screenshot(page, "desk-new-receipt")
    scanner(page, "SKU-1001", random.Random(6))
    settled(page)
    assert line_quantities(page) == {"SKU-1001": 1}
