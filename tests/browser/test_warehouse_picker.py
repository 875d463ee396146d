"""Defect 4: "MAIN" + Enter in the warehouse picker before its filtered results arrive chose
the highlighted EAST. Enter chooses the exact match or nothing; a warehouse's code scanned
(into the picker or the scan input) chooses it. At 1,366 and 390 px."""

import random
from urllib.parse import parse_qs, urlparse

import pytest

from tests.browser.test_admin_in_browser import log_in
from tests.browser.test_scan_entry import line_quantities, scanner, settled
from tests.factories import ProductFactory, WarehouseFactory
from tests.support.users import staff_user
from warehouses.models import Warehouse

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


class HeldAnswers:
    """Holds the picker's filtered answers (a term was typed) until released: the race of an
    Enter that comes before the results, made certain instead of left to the network."""

    def __init__(self, page):
        self.held = []
        page.route(lambda url: "/admin/autocomplete/" in url, self._answer)

    def _answer(self, route):
        if parse_qs(urlparse(route.request.url).query).get("term", [""])[0]:
            self.held.append(route)
        else:
            route.continue_()

    def wait(self, page):
        """Until the picker's filtered request is being held (it asks after a short delay)."""
        for _ in range(750):  # the pages' own 15 s timeout
            if self.held:
                return
            page.wait_for_timeout(20)
        raise AssertionError("the picker never asked for the filtered answer")

    def release(self):
        from playwright.sync_api import Error

        for route in self.held:
            try:
                route.continue_()
            except Error:
                pass  # the picker dropped that request for a newer term
        self.held.clear()


def open_picker(page):
    page.click("[aria-labelledby='select2-id_warehouse-container']")
    page.wait_for_selector(".select2-results__option--highlighted")  # the first row


def test_enter_before_the_filtered_answer_chooses_nothing_then_the_exact_match(receipt_form):
    page = receipt_form
    for n in range(1, 21):  # the first page of the picker: MAIN is not on it
        WarehouseFactory(code=f"EAST-{n:02}")
    answers = HeldAnswers(page)
    open_picker(page)
    for char in "MAIN":
        page.keyboard.type(char)
        page.wait_for_timeout(60)  # a quick typist, slower than a scanner
    answers.wait(page)
    page.keyboard.press("Enter")  # EAST is still the highlighted row
    assert chosen(page) == ""
    assert 'no option is exactly "MAIN"' in page.inner_text("#scan-entry .scan-status")
    answers.release()
    page.wait_for_selector(".select2-results__option--highlighted:has-text('MAIN')")
    page.keyboard.press("Enter")
    assert chosen(page).startswith("MAIN")


def test_a_scanned_warehouse_code_beats_a_late_answer(receipt_form):
    page = receipt_form
    answers = HeldAnswers(page)
    open_picker(page)
    scanner(page, "MAIN", random.Random(7))
    settled(page)
    page.wait_for_function("document.querySelector('#id_warehouse').value !== ''")
    answers.release()
    page.wait_for_timeout(300)
    assert chosen(page).startswith("MAIN")


def test_enter_chooses_the_exact_code_over_a_name_that_contains_it(receipt_form):
    page = receipt_form
    Warehouse.objects.filter(code="EAST").update(name="Overflow of MAIN")  # listed first
    open_picker(page)
    for char in "MAIN":
        page.keyboard.type(char)
        page.wait_for_timeout(60)
    page.wait_for_function(
        """() => Array.from(document.querySelectorAll('.select2-results__option'))
            .map((row) => row.textContent.split(' — ')[0]).join() === 'EAST,MAIN'"""
    )
    page.keyboard.press("Enter")
    assert chosen(page).startswith("MAIN")


def test_a_product_scanned_before_the_warehouse_is_refused(receipt_form):
    page = receipt_form
    ProductFactory(sku="PEN-1")
    rng = random.Random(5)
    page.focus("#scan-code")
    scanner(page, "PEN-1", rng)
    settled(page)
    assert "choose the document's warehouse" in page.inner_text("#scan-entry .scan-alert")
    assert line_quantities(page) == {}
    scanner(page, "MAIN", rng)
    scanner(page, "PEN-1", rng)
    settled(page)
    assert chosen(page).startswith("MAIN")
    assert line_quantities(page) == {"PEN-1": 1}
