"""Scanning packs and weights on a draft in Chromium: a case adds a case, an SSCC label's
(02)+(37) that many cases, a (3103) weight label its exact grams."""

import random

import pytest

from documents.models import Document
from inventory.models import Packaging
from tests.browser.conftest import screenshot
from tests.browser.test_admin_in_browser import log_in
from tests.browser.test_scan_entry import line_quantities, new_receipt, scanner, settled
from tests.factories import ProductFactory, WarehouseFactory
from tests.support.users import staff_user

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

CASE = "14006381333938"


def test_cases_pallet_labels_and_weights_fill_the_lines_exactly(page, live_server):
    warehouse = WarehouseFactory(code="MAIN")
    water = ProductFactory(sku="WATER", name="Water", barcode="04006381333931")
    Packaging.objects.create(product=water, code="case", quantity=12, barcode=CASE)
    ProductFactory(sku="CHEESE", name="Cheese", unit="kg", decimals=3, barcode="02000000000015")
    log_in(page, live_server, staff_user("Warehouse clerk"))
    new_receipt(page, live_server, warehouse)
    rng = random.Random(20)

    scanner(page, CASE, rng)  # one case
    settled(page)
    assert line_quantities(page) == {"WATER": 12}
    assert page.inner_text("#scan-entry .scan-status") == "WATER — Water: 12 piece (case: +12)"
    scanner(page, "04006381333931", rng)  # one loose piece, on the same line
    scanner(page, f"(00)340123450000000009(02){CASE}(37)5", rng)  # a label of 5 cases
    scanner(page, "(01)02000000000015(3103)001250", rng)  # 1.250 kg of cheese
    settled(page)
    assert line_quantities(page) == {"WATER": 73, "CHEESE": 1250}
    assert page.inner_text("#scan-entry .scan-status") == "CHEESE — Cheese: 1.250 kilogram"
    screenshot(page, "40-scan-packs-and-weights")

    page.fill("#id_reference", "PO-PACKS")
    page.click("input[name='_save']")
    page.wait_for_url("**/documents/document/")
    lines = Document.objects.get(reference="PO-PACKS").lines.order_by("product__sku")
    assert [(line.product.sku, line.quantity) for line in lines] == [
        ("CHEESE", 1250),
        ("WATER", 73),
    ]
