"""Defect 7: scan feedback. A refused scan stays on screen (and buzzes) until acknowledged,
whatever good scans follow; a good one sounds different; a lot-tracked product scanned
without its lot is said at once; AIM prefixes and another case are understood."""

import random

import pytest

from tests.browser.test_admin_in_browser import log_in
from tests.browser.test_scan_entry import line_quantities, new_receipt, scanner, settled
from tests.factories import ProductFactory, WarehouseFactory
from tests.support.users import staff_user

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture(params=[1366, 390])
def receipt_page(request, page, live_server):
    page.set_viewport_size({"width": request.param, "height": 900})
    warehouse = WarehouseFactory(code="MAIN")
    ProductFactory(sku="SKU-1001")
    ProductFactory(sku="MILK", tracking="lot", barcode="04006381333931")
    log_in(page, live_server, staff_user("Warehouse clerk"))
    new_receipt(page, live_server, warehouse)
    return page


def signal(page) -> str:
    return page.evaluate("document.body.dataset.lastSignal || ''")


def test_an_error_stays_until_acknowledged_and_sounds_unlike_a_good_scan(receipt_page):
    page = receipt_page
    rng = random.Random(11)
    scanner(page, "SKU-9999", rng)
    settled(page)
    assert signal(page) == "bad"
    scanner(page, "SKU-1001", rng)
    settled(page)
    assert signal(page) == "good"
    alert = page.locator("#scan-entry .scan-alert")
    assert alert.is_visible() and "Unknown code: SKU-9999" in alert.inner_text()
    alert.locator("button").click()
    assert not alert.is_visible()
    assert page.evaluate("document.activeElement.id") == "scan-code"


def test_a_lot_tracked_product_without_its_lot_is_said_at_once(receipt_page):
    page = receipt_page
    scanner(page, "04006381333931", random.Random(12))
    settled(page)
    assert "MILK is tracked by lot" in page.inner_text("#scan-entry .scan-alert")


def test_aim_prefixes_and_another_case_are_understood(receipt_page):
    page = receipt_page
    rng = random.Random(13)
    scanner(page, "]C1010400638133393110L7", rng)  # GS1-128 as a scanner set up for it sends
    scanner(page, "]E004006381333931", rng)  # EAN-13 with its symbology identifier
    scanner(page, "sku-1001", rng)
    settled(page)
    assert page.locator("#scan-entry .scan-alert li").all_inner_texts() == [
        "MILK is tracked by lot: scan its GS1 code with the lot, or type it on the line."
    ]
    lots = page.locator("#lines-group tr.form-row:not(.empty-form) input[name$='-lot_code']")
    assert lots.evaluate_all("inputs => inputs.map(i => i.value)")[:3] == ["L7", "", ""]
    assert line_quantities(page)["SKU-1001"] == 1
