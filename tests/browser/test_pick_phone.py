"""Picking on a phone in a real browser at 390 px, the scanner typing at 0-10 ms a key: the
happy path, a wrong shelf and a wrong lot (hard stops), a short pick, a reload and a lost
answer in the middle, and two pickers on one list."""

import random

import pytest

from documents.models import Document, PickConfirmation, Status
from tests.browser.conftest import doc_screenshot
from tests.browser.test_admin_in_browser import log_in
from tests.browser.test_scan_entry import scanner
from tests.documents.test_pick_flow import on_shelf, picking_day
from tests.support.users import staff_user

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

MILK_L1 = "010400638133393110L1"  # GS1: (01) the milk's GTIN, (10) lot L1
MILK_L2 = "010400638133393110L2"


@pytest.fixture
def day(settings):
    settings.PICK_FLOW_POSTS = True
    return picking_day()


def open_list(page, live_server, pick_list, user=None):
    log_in(page, live_server, user or staff_user("Warehouse clerk"))
    page.goto(f"{live_server.url}/admin/documents/picklist/phone/")
    page.wait_for_selector("#scan-code:focus")
    scanner(page, pick_list.number, random.Random(1))
    page.wait_for_selector("#pick-phone[data-ready='true']")


RNG = random.Random(7)


def scan(page, code):
    page.focus("#scan-code")
    scanner(page, code, RNG)
    settled(page)


def settled(page):
    page.wait_for_selector("#pick-phone[data-pending='0']", state="attached")


def step(page) -> str:
    return page.get_attribute("#pick-task", "data-step")


def alert(page) -> str:
    box = page.locator("#pick-alert")
    return box.inner_text() if box.is_visible() else ""


def no_horizontal_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_a_picker_walks_the_list_and_its_documents_are_posted(phone, live_server, day):
    pick_list, tasks, t = day
    open_list(phone, live_server, pick_list)
    doc_screenshot(phone, "phone-1-shelf")
    assert phone.inner_text("#pick-location") == "MAIN/A/01"
    assert "Lot L1 · expires 2027-01-31" in phone.inner_text("#pick-lot")
    scan(phone, "LOC-A01")
    assert step(phone) == "product"
    scan(phone, MILK_L1)
    assert step(phone) == "count" and phone.inner_text("#pick-count") == "1"
    for _ in range(3):
        scan(phone, MILK_L1)
    doc_screenshot(phone, "phone-2-count")
    assert phone.inner_text("#pick-count") == "4"
    phone.click("#pick-confirm")
    phone.wait_for_function("document.querySelector('#pick-location').innerText === 'MAIN/B/01'")
    scan(phone, "]C1LOC-B01")  # an AIM prefix, as a scanner set up for GS1 sends it
    scan(phone, "pen")  # lower case: the one SKU it can be
    phone.click("#pick-plus")
    for _ in range(3):
        scan(phone, "PEN")
    assert phone.inner_text("#pick-count") == "5"
    phone.click("#pick-confirm")
    phone.wait_for_selector("#pick-done[data-finished='true']")
    doc_screenshot(phone, "phone-3-done")
    assert f"{t['first'].number} posted" in phone.inner_text("#pick-done")
    assert Document.objects.filter(status=Status.POSTED).count() == 3  # the receipt, 2 shipments
    assert on_shelf(t["a1"], t["milk"]) == 6
    assert on_shelf(t["b1"], t["pens"]) == 5
    for width in (390, 360):
        phone.set_viewport_size({"width": width, "height": 800})
        assert no_horizontal_scroll(phone), width


def test_a_wrong_shelf_is_a_hard_stop(phone, live_server, day):
    pick_list, tasks, t = day
    open_list(phone, live_server, pick_list)
    scan(phone, "LOC-B01")
    assert "Wrong shelf" in alert(phone)
    assert phone.evaluate("document.body.dataset.lastSignal") == "bad"
    scan(phone, "LOC-A01")  # ignored until the error is acknowledged
    assert step(phone) == "shelf" and "Wrong shelf" in alert(phone)
    doc_screenshot(phone, "phone-4-wrong-shelf")
    phone.click("#pick-alert-ok")
    scan(phone, "LOC-A01")
    assert step(phone) == "product" and alert(phone) == ""


def test_a_wrong_lot_is_a_hard_stop_and_the_lot_can_be_scanned_alone(phone, live_server, day):
    pick_list, tasks, t = day
    open_list(phone, live_server, pick_list)
    scan(phone, "LOC-A01")
    scan(phone, MILK_L2)
    assert "Wrong lot L2: take lot L1" in alert(phone)
    phone.click("#pick-alert-ok")
    scan(phone, "04006381333931")  # the product's own barcode carries no lot
    assert step(phone) == "lot"
    scan(phone, "L2")
    assert "Wrong lot" in alert(phone)
    phone.click("#pick-alert-ok")
    scan(phone, "l1")
    assert step(phone) == "count" and phone.inner_text("#pick-count") == "1"


def test_a_short_pick_asks_why_and_backorders_the_rest(phone, live_server, day):
    pick_list, tasks, t = day
    open_list(phone, live_server, pick_list)
    scan(phone, "LOC-A01")
    for _ in range(4):
        scan(phone, MILK_L1)
    phone.click("#pick-confirm")
    scan(phone, "LOC-B01")
    for _ in range(3):
        scan(phone, "PEN")
    phone.click("#pick-confirm")
    assert phone.locator("#pick-short").is_visible()
    doc_screenshot(phone, "phone-5-short")
    phone.click("#pick-short button:text('Damaged')")
    phone.wait_for_selector("#pick-done[data-finished='true']")
    confirmation = PickConfirmation.objects.get(task=tasks[1])
    assert (confirmation.quantity, confirmation.reason) == (3, "Damaged")
    # The oldest shipment took the 3 pens; nothing was left for the second, which stays
    # reserved for a supervisor (posting it would ship nothing).
    second = Document.objects.get(pk=t["second"].pk)
    assert second.status == Status.RESERVED
    assert f"{second.number} left for a supervisor" in phone.inner_text("#pick-done")


def test_a_reload_and_a_lost_answer_lose_nothing_and_count_nothing_twice(phone, live_server, day):
    pick_list, tasks, t = day
    open_list(phone, live_server, pick_list)
    scan(phone, "LOC-A01")
    scan(phone, MILK_L1)
    scan(phone, MILK_L1)
    phone.reload()
    phone.wait_for_selector("#pick-phone[data-ready='true']")
    assert step(phone) == "count" and phone.inner_text("#pick-count") == "2"
    scan(phone, MILK_L1)
    scan(phone, MILK_L1)

    # The server stores the confirmation, but its answer never reaches the phone.
    def lose_the_answer(route):
        route.fetch()
        route.abort()

    phone.route("**/phone/confirm/", lose_the_answer)
    phone.click("#pick-confirm")
    phone.wait_for_selector("#pick-alert:visible")
    assert "No connection" in alert(phone)
    phone.unroute("**/phone/confirm/")
    phone.click("#pick-alert-ok")
    phone.click("#pick-confirm")  # the same request again
    phone.wait_for_function("document.querySelector('#pick-location').innerText === 'MAIN/B/01'")
    assert alert(phone) == ""
    assert list(PickConfirmation.objects.values_list("task", "quantity")) == [(tasks[0], 4)]


def test_two_pickers_on_one_list_never_pick_a_task_twice(phone, browser, live_server, day):
    pick_list, tasks, t = day
    other = browser.new_context(viewport={"width": 390, "height": 844})
    second = other.new_page()
    try:
        open_list(phone, live_server, pick_list)
        open_list(second, live_server, pick_list, staff_user("Warehouse clerk"))
        for page in (phone, second):
            scan(page, "LOC-A01")
            for _ in range(4):
                scan(page, MILK_L1)
        phone.click("#pick-confirm")
        phone.wait_for_function(
            "document.querySelector('#pick-location').innerText === 'MAIN/B/01'"
        )
        second.click("#pick-confirm")
        second.wait_for_selector("#pick-alert:visible")
        assert "already confirmed by" in alert(second)
        second.click("#pick-alert-ok")
        assert second.inner_text("#pick-location") == "MAIN/B/01"  # on to the next task
    finally:
        other.close()
    assert PickConfirmation.objects.count() == 1
