"""Counting on a phone in a real browser at 390 and 360 px, the scanner typing at 0-10 ms a
key: the happy path shelf by shelf (products, a case, a lot scanned after its product, an empty
shelf said so), a wrong shelf (a hard stop), a reload and a lost answer in the middle, two
counters on one count, a blind count that shows no book quantity, and a count started on the
phone by scanning a shelf."""

import random
import re

import pytest

from documents.models import CountConfirmation, Document, Status
from tests.browser.conftest import doc_screenshot
from tests.browser.test_admin_in_browser import log_in
from tests.browser.test_pick_phone import no_horizontal_scroll
from tests.browser.test_scan_entry import scanner
from tests.documents.test_count_flow import CASE, counting_day, lines, on_shelf
from tests.support.users import staff_user

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

MILK_L1 = "010400638133393110L1"  # GS1: (01) the milk's GTIN, (10) lot L1
MILK = "04006381333931"  # the milk's own barcode: no lot


@pytest.fixture
def day(settings):
    settings.COUNT_FLOW_POSTS = False
    return counting_day()


RNG = random.Random(11)


def open_count(page, live_server, count, user=None):
    log_in(page, live_server, user or staff_user("Warehouse clerk"))
    page.goto(f"{live_server.url}/admin/documents/document/count-phone/")
    page.wait_for_selector("#scan-code:focus")
    scanner(page, count.number, RNG)
    page.wait_for_selector("#count-phone[data-ready='true']")


def scan(page, code):
    page.focus("#scan-code")
    scanner(page, code, RNG)
    settled(page)


def settled(page):
    page.wait_for_selector("#count-phone[data-pending='0']", state="attached")


def step(page) -> str:
    return page.get_attribute("#count-shelf", "data-step")


def shelf(page) -> str:
    return page.inner_text("#count-location")


def alert(page) -> str:
    box = page.locator("#count-alert")
    return box.inner_text() if box.is_visible() else ""


def counted(page) -> dict[str, str]:
    """{what: quantity} of the items on screen."""
    return page.evaluate(
        "Object.fromEntries([...document.querySelectorAll('#count-items li')].map("
        "(li) => [li.querySelector('.what').innerText, li.querySelector('input').value]))"
    )


def on_to(page, location):
    page.wait_for_function(f"document.querySelector('#count-location').innerText === '{location}'")


def test_a_counter_walks_the_count_shelf_by_shelf(phone, live_server, day):
    count, t = day
    open_count(phone, live_server, count)
    assert shelf(phone) == "MAIN/A/01" and step(phone) == "shelf"
    assert "MILK Oat milk · lot L1: 37 on the books" in phone.inner_text("#count-expected")
    scan(phone, "LOC-A01")
    assert step(phone) == "count"
    scan(phone, MILK_L1)
    scan(phone, MILK_L1)
    assert counted(phone) == {"MILK Oat milk · lot L1": "2"}
    phone.fill("#count-items input", "36")
    phone.press("#count-items input", "Enter")
    phone.click("#count-items button.plus")
    phone.click("#count-items button.minus")
    assert counted(phone) == {"MILK Oat milk · lot L1": "36"}
    assert phone.evaluate("document.activeElement.id") == "scan-code"
    phone.click("#count-confirm")
    on_to(phone, "MAIN/B/01")
    scan(phone, "]C1LOC-B01")  # an AIM prefix, as a scanner set up for GS1 sends it
    scan(phone, CASE)  # a case of 12 pens
    scan(phone, "pen")  # lower case: the one SKU it can be
    scan(phone, "LOC-B01")  # the shelf's own label again counts nothing
    scan(phone, MILK)  # the milk without its lot asks for the lot
    assert step(phone) == "lot"
    scan(phone, "L9")  # a lot nobody knows: refused, and the milk must be scanned again
    assert "No lot L9" in alert(phone)
    phone.click("#count-alert-ok")
    assert step(phone) == "count"
    scan(phone, MILK)
    scan(phone, "l2")
    doc_screenshot(phone, "count-1-shelf")
    assert counted(phone) == {"PEN Blue pen": "13", "MILK Oat milk · lot L2": "1"}
    for width in (390, 360):
        phone.set_viewport_size({"width": width, "height": 800})
        assert no_horizontal_scroll(phone), width
    phone.click("#count-confirm")
    on_to(phone, "MAIN/C/01")
    scan(phone, "LOC-C01")
    assert phone.locator("#count-confirm").is_hidden()  # nothing counted: only "empty" is sent
    doc_screenshot(phone, "count-2-empty")
    phone.click("#count-empty")
    phone.wait_for_selector("#count-done[data-finished='true']")
    assert f"{count.number} is left for a supervisor" in phone.inner_text("#count-done")
    assert lines(count) == [
        ("A/01", "MILK", "L1", 36),
        ("B/01", "MILK", "L2", 1),
        ("B/01", "PEN", None, 13),
        ("C/01", "CUP", None, 0),
    ]
    assert Document.objects.get(pk=count.pk).status == Status.DRAFT
    assert no_horizontal_scroll(phone)


def test_a_wrong_shelf_is_a_hard_stop(phone, live_server, day):
    count, t = day
    open_count(phone, live_server, count)
    scan(phone, "LOC-B01")
    assert "Wrong shelf" in alert(phone)
    assert phone.evaluate("document.body.dataset.lastSignal") == "bad"
    scan(phone, "LOC-A01")  # ignored until the error is acknowledged
    assert step(phone) == "shelf" and "Wrong shelf" in alert(phone)
    phone.click("#count-alert-ok")
    scan(phone, "LOC-A01")
    assert step(phone) == "count" and alert(phone) == ""
    scan(phone, "LOC-B01")  # walked on without confirming: another hard stop
    assert "another shelf" in alert(phone)
    phone.click("#count-alert-ok")
    scan(phone, "PEN")
    assert counted(phone) == {"PEN Blue pen": "1"}
    # A scan that lands in a number is scanned, never taken for the number.
    phone.click("#count-items input")
    scanner(phone, CASE, RNG)
    settled(phone)
    assert counted(phone) == {"PEN Blue pen": "13"}
    assert alert(phone) == ""


def test_a_reload_and_a_lost_answer_lose_nothing_and_count_nothing_twice(phone, live_server, day):
    count, t = day
    open_count(phone, live_server, count)
    scan(phone, "LOC-A01")
    scan(phone, MILK_L1)
    scan(phone, MILK_L1)
    phone.reload()
    phone.wait_for_selector("#count-phone[data-ready='true']")
    assert step(phone) == "count" and counted(phone) == {"MILK Oat milk · lot L1": "2"}
    scan(phone, MILK_L1)

    # The server stores the confirmation, but its answer never reaches the phone.
    def lose_the_answer(route):
        route.fetch()
        route.abort()

    phone.route("**/count-phone/confirm/", lose_the_answer)
    phone.click("#count-confirm")
    phone.wait_for_selector("#count-alert:visible")
    assert "No connection" in alert(phone)
    phone.unroute("**/count-phone/confirm/")
    phone.click("#count-alert-ok")
    phone.click("#count-confirm")  # the same request again
    on_to(phone, "MAIN/B/01")
    assert alert(phone) == ""
    assert list(CountConfirmation.objects.values_list("location_id", "counted")) == [
        (t["A01"].pk, 3)
    ]
    assert ("A/01", "MILK", "L1", 3) in lines(count)
    # A reload after a confirmation whose answer was lost: the server's word wins.
    scan(phone, "LOC-B01")
    scan(phone, "PEN")
    phone.route("**/count-phone/confirm/", lose_the_answer)
    phone.click("#count-confirm")
    phone.wait_for_selector("#count-alert:visible")
    phone.unroute("**/count-phone/confirm/")
    phone.reload()
    phone.wait_for_selector("#count-phone[data-ready='true']")
    assert shelf(phone) == "MAIN/C/01" and step(phone) == "shelf"
    assert CountConfirmation.objects.count() == 2
    assert (
        phone.evaluate("Object.keys(localStorage).filter((k) => k.startsWith('wms-count'))") == []
    )


def test_two_counters_on_one_count_never_count_a_shelf_twice(phone, browser, live_server, day):
    count, t = day
    other = browser.new_context(viewport={"width": 390, "height": 844})
    second = other.new_page()
    first_user = staff_user("Warehouse clerk")
    try:
        open_count(phone, live_server, count, first_user)
        open_count(second, live_server, count, staff_user("Warehouse clerk"))
        for page, n in ((phone, 2), (second, 3)):
            scan(page, "LOC-A01")
            for _ in range(n):
                scan(page, MILK_L1)
        phone.click("#count-confirm")
        on_to(phone, "MAIN/B/01")
        second.click("#count-confirm")
        second.wait_for_selector("#count-alert:visible")
        assert f"already counted by {first_user.username} (2 counted)" in alert(second)
        second.click("#count-alert-ok")
        assert shelf(second) == "MAIN/B/01"  # on to the next shelf
    finally:
        other.close()
    assert CountConfirmation.objects.get().confirmed_by == first_user
    assert ("A/01", "MILK", "L1", 2) in lines(count)


def test_a_blind_count_shows_no_book_quantity(phone, live_server, settings):
    settings.COUNT_FLOW_POSTS = False
    count, t = counting_day(blind=True)
    open_count(phone, live_server, count)
    for location, code in (("MAIN/A/01", "LOC-A01"), ("MAIN/B/01", "LOC-B01")):
        on_to(phone, location)
        # The books hold 37, 53 and 29: not on the screen, not even in the page's data.
        shown = phone.inner_text("body")
        assert not {"37", "53", "29"} & set(re.findall(r"\d+", shown)), shown
        assert "on the books" not in shown
        data = phone.evaluate("document.getElementById('count-shelves').textContent")
        assert "book" not in data and '"expected": []' in data
        scan(phone, code)
        scan(phone, "PEN")
        phone.click("#count-confirm")
        settled(phone)


def test_a_manager_starts_a_blind_count_of_a_shelf_and_the_last_shelf_posts_it(
    phone, live_server, settings
):
    settings.COUNT_FLOW_POSTS = True
    count, t = counting_day()
    log_in(phone, live_server, t["manager"])
    phone.goto(f"{live_server.url}/admin/documents/document/count-phone/")
    phone.check("#count-blind")
    phone.focus("#scan-code")
    scanner(phone, "LOC-B01", RNG)
    phone.wait_for_selector("#count-phone[data-ready='true']")
    started = Document.objects.exclude(pk=count.pk).get(doc_type="count")
    assert started.blind and "on the books" not in phone.content()
    assert shelf(phone) == "MAIN/B/01"
    scan(phone, "LOC-B01")
    for _ in range(3):
        scan(phone, "PEN")
    phone.click("#count-confirm")
    phone.wait_for_selector("#count-done[data-finished='true']")
    assert f"{started.number} is posted" in phone.inner_text("#count-done")
    assert on_shelf(t["B01"], t["pens"]) == 3
    assert on_shelf(t["B01"], t["milk"]) == 0


def test_a_clerk_cannot_start_a_count_on_the_phone(phone, live_server, day):
    count, t = day
    log_in(phone, live_server, staff_user("Warehouse clerk"))
    phone.goto(f"{live_server.url}/admin/documents/document/count-phone/")
    assert phone.locator("#count-blind").count() == 0
    scanner(phone, "LOC-B01", RNG)
    phone.wait_for_selector(".messagelist")
    assert "not a count's number" in phone.inner_text(".messagelist")
    assert Document.objects.filter(doc_type="count").count() == 1
