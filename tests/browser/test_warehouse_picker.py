"""Defect 4: "MAIN" + Enter in the warehouse picker before its filtered results arrive chose
the highlighted EAST. Enter chooses the exact match or nothing; a warehouse's code scanned
(into the picker or the scan input) chooses it. At 1,366 and 390 px."""

import random

import pytest

from tests.browser.test_admin_in_browser import log_in
from tests.browser.test_scan_entry import scanner, settled
from tests.factories import WarehouseFactory
from tests.support.users import staff_user

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture(params=[1366, 390])
def receipt_form(request, page, live_server):
    page.set_viewport_size({"width": request.param, "height": 900})
    WarehouseFactory(code="EAST")
    WarehouseFactory(code="MAIN")
    log_in(page, live_server, staff_user("Warehouse clerk"))
    page.goto(f"{live_server.url}/admin/documents/document/add/")
    page.wait_for_selector("#scan-entry[data-ready='true']", state="attached")
    page.select_option("#id_doc_type", "receipt")
    return page


def chosen(page) -> str:
    return page.evaluate("document.querySelector('#id_warehouse').selectedOptions[0]?.text || ''")


def test_enter_right_after_typing_never_chooses_another_warehouse(receipt_form):
    page = receipt_form
    page.click("[aria-labelledby='select2-id_warehouse-container']")
    page.wait_for_selector(".select2-results__option--highlighted")  # EAST, the first row
    for char in "MAIN":
        page.keyboard.type(char)
        page.wait_for_timeout(60)  # a quick typist, slower than a scanner
    page.keyboard.press("Enter")
    page.wait_for_timeout(800)
    assert not chosen(page).startswith("EAST")
    if page.locator(".select2-container--open").count():
        page.keyboard.press("Enter")  # now the results are there: the exact match
        page.wait_for_timeout(300)
    assert chosen(page).startswith("MAIN")


def test_a_warehouse_code_scanned_into_the_picker_chooses_it(receipt_form):
    page = receipt_form
    page.click("[aria-labelledby='select2-id_warehouse-container']")
    page.wait_for_selector(".select2-search__field")
    scanner(page, "MAIN", random.Random(31))
    settled(page)
    page.wait_for_function("document.querySelector('#id_warehouse').value !== ''")
    assert chosen(page).startswith("MAIN")
    assert page.evaluate("document.activeElement.id") == "scan-code"
