"""Defect 8: clutter. The add form fits 1,366 px for every type; a document shows no status
rows that can only say "-" (nor "What moved: None." while nothing moved); a new document
shows the line columns of its type; the start page has the day's task buttons for the roles
that may do them. At 1,366 and 390 px."""

import pytest

from documents.services import document_reserve
from tests.browser.conftest import doc_screenshot
from tests.browser.test_admin_in_browser import log_in
from tests.factories import ProductFactory, WarehouseFactory
from tests.support.documents import make_document, post
from tests.support.users import staff_user

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

TYPES = ("receipt", "shipment", "transfer", "adjustment", "count", "return")


def sideways(page) -> int:
    """How far the page scrolls sideways beyond the window, in px."""
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth")


def test_the_add_form_fits_1366_px_for_every_type(page, live_server):
    page.set_viewport_size({"width": 1366, "height": 900})
    log_in(page, live_server, staff_user("Warehouse manager"))
    page.goto(f"{live_server.url}/admin/documents/document/add/")
    for doc_type in TYPES:
        page.select_option("#id_doc_type", doc_type)
        assert sideways(page) <= 0, doc_type
        lines = page.evaluate(
            "document.querySelector('#lines-group table').getBoundingClientRect().right"
        )
        assert lines <= 1366, (doc_type, lines)


@pytest.mark.parametrize("width", [1366, 390])
def test_a_document_shows_no_status_rows_that_say_nothing(page, live_server, width):
    main, pens = WarehouseFactory(code="MAIN"), ProductFactory(sku="PEN")
    receipt = post("receipt", main, [(pens, 5)])
    draft = make_document("shipment", main, [(pens, 2)])
    reserved = document_reserve(document_id=make_document("shipment", main, [(pens, 1)]).pk)
    page.set_viewport_size({"width": width, "height": 900})
    log_in(page, live_server, staff_user("Warehouse clerk"))
    page.goto(f"{live_server.url}/admin/documents/document/{draft.pk}/change/")
    assert page.locator(".field-number").count() >= 1
    for unset in ("backorder_of", "posted_at", "cancelled_at", "cancel_reason", "returns"):
        assert page.locator(f".field-{unset}").count() == 0, unset
    page.goto(f"{live_server.url}/admin/documents/document/{reserved.pk}/change/")
    assert page.locator(".field-moved").count() == 0  # a reserved document moved nothing yet
    page.goto(f"{live_server.url}/admin/documents/document/{receipt.pk}/change/")
    assert page.locator(".field-posted_at").count() >= 1
    assert page.locator(".field-moved").count() >= 1
    for unset in ("backorder_of", "cancelled_at", "cancel_reason"):
        assert page.locator(f".field-{unset}").count() == 0, unset


def shown_columns(page) -> list[str]:
    return page.evaluate(
        """Array.from(document.querySelectorAll('#lines-group tr.form-row:not(.empty-form) td'))
            .filter((td) => td.offsetParent !== null)
            .map((td) => Array.from(td.classList).find((c) => c.startsWith('field-')))
            .filter(Boolean).map((c) => c.slice(6))"""
    )


@pytest.mark.parametrize("width", [1366, 390])
def test_a_new_document_shows_the_line_columns_of_its_type(page, live_server, width):
    page.set_viewport_size({"width": width, "height": 900})
    log_in(page, live_server, staff_user("Warehouse manager"))
    page.goto(f"{live_server.url}/admin/documents/document/add/")
    page.select_option("#id_doc_type", "receipt")
    receipt = shown_columns(page)
    assert "expires_on" in receipt and "destination_location" not in receipt
    assert "loose" not in receipt
    page.select_option("#id_doc_type", "transfer")
    transfer = shown_columns(page)
    assert "destination_location" in transfer and "expires_on" not in transfer
    page.select_option("#id_doc_type", "shipment")
    shipment = shown_columns(page)
    assert "destination_location" not in shipment and "expires_on" not in shipment
    # What a hidden column holds is not sent.
    assert page.locator("#lines-group input[name$='-expires_on']").first.is_disabled()
    assert sideways(page) <= 0


def task_buttons(page) -> list[str]:
    return [t.strip() for t in page.locator("#task-buttons a").all_inner_texts()]


@pytest.mark.parametrize("width", [1366, 390])
def test_the_start_page_has_the_tasks_of_the_role(page, live_server, width):
    page.set_viewport_size({"width": width, "height": 900})
    log_in(page, live_server, staff_user("Warehouse clerk"))
    page.goto(f"{live_server.url}/admin/")
    assert task_buttons(page) == ["Receive", "Ship", "Count", "Pick"]
    if width == 390:
        doc_screenshot(page, "desk-start-tasks")
    assert sideways(page) <= 0
    page.click("#task-buttons a:text('Receive')")
    page.wait_for_selector("#scan-entry[data-ready='true']", state="attached")
    assert page.input_value("#id_doc_type") == "receipt"
    page.context.clear_cookies()
    log_in(page, live_server, staff_user("Warehouse manager"))
    page.goto(f"{live_server.url}/admin/")
    assert task_buttons(page) == ["Receive", "Ship", "Count", "Pick"]
    page.click("#task-buttons a:text('Count')")
    assert page.url.endswith("/admin/documents/document/count-phone/")
