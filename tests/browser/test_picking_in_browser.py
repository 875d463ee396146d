"""Picking in a real browser: a short pick typed on a reserved document's lines, posted with
the Post button (which asks first), ships what was typed and links its backorder; a pick list
made from the reserved list prints its walk."""

import pytest

from documents.models import Document, PickList, Status
from documents.services import document_reserve
from tests.browser.conftest import screenshot
from tests.browser.test_admin_in_browser import log_in, messages
from tests.factories import ProductFactory, WarehouseFactory
from tests.support.documents import make_document, post
from tests.support.stock import stock
from tests.support.users import staff_user

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def reserved_shipment(db):
    warehouse, pens, cups = (
        WarehouseFactory(code="WEST"),
        ProductFactory(sku="PEN"),
        ProductFactory(sku="CUP"),
    )
    post("receipt", warehouse, [(pens, 10), (cups, 10)])
    shipment = make_document("shipment", warehouse, [(pens, 5), (cups, 2)])
    return document_reserve(document_id=shipment.pk)


def test_a_short_pick_typed_on_the_lines_is_posted_and_its_backorder_linked(
    page, live_server, reserved_shipment
):
    log_in(page, live_server, staff_user("Warehouse clerk"))
    page.goto(f"{live_server.url}/admin/documents/document/{reserved_shipment.pk}/change/")
    pens, cups = reserved_shipment.lines.order_by("pk")
    pen_input = page.locator(f"input[name=shipped-{pens.pk}]")
    assert pen_input.input_value() == "5"
    pen_input.fill("3")
    screenshot(page, "30-short-pick")

    page.once("dialog", lambda d: d.accept())
    page.click("button.post-document")
    page.wait_for_selector(".messagelist")

    shipment = Document.objects.get(pk=reserved_shipment.pk)
    backorder = shipment.backorders.get()
    assert shipment.status == Status.POSTED
    assert messages(page) == [
        f"{shipment.number} posted; backorder {backorder.number} holds what was not shipped."
    ]
    assert stock(shipment.warehouse, pens.product) == 7
    page.click(f".messagelist a:text('{backorder.number}')")
    assert backorder.number in page.inner_text("#content")
    assert list(backorder.lines.values_list("product__sku", "quantity")) == [("PEN", 2)]


def test_a_pick_list_made_from_the_waiting_list_prints_its_walk(
    page, live_server, reserved_shipment
):
    log_in(page, live_server, staff_user("Warehouse clerk"))
    page.goto(f"{live_server.url}/admin/documents/document/?status__exact=reserved")
    assert page.inner_text(".field-waiting").strip() == "0 min"
    page.click("button.pick-one")
    page.wait_for_selector("#pick-tasks")
    pick_list = PickList.objects.get()
    assert pick_list.number in page.inner_text("#paper-number")
    assert page.locator("#pick-tasks tr.task").count() == 2
    assert page.locator("#pick-tasks svg").count() == 4  # a location and a product per task
    screenshot(page, "31-pick-list")
