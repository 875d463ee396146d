"""Put-away and an internal move in the admin, in a real browser, on a live server."""

import pytest

from documents.models import Document
from tests.browser.conftest import screenshot
from tests.browser.test_admin_in_browser import log_in, messages, pick
from tests.factories import ProductFactory, WarehouseFactory
from tests.support.stock import held
from tests.support.users import staff_user
from warehouses.services import location_create

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def save_and_post(page) -> list[str]:
    """Save, then Post: Post saves the form on screen again before posting it."""
    page.click("input[name=_continue]")
    messages(page)
    page.once("dialog", lambda dialog: dialog.accept())  # Post asks first: it cannot be undone
    page.click("button.post-document")
    return messages(page)


def test_a_clerk_puts_a_lot_away_and_moves_it_shelf_to_shelf(page, live_server):
    clerk = staff_user("Warehouse clerk")
    warehouse = WarehouseFactory(code="MAIN", name="Main warehouse")
    aisle = location_create(warehouse_id=warehouse.pk, code="A")
    first = location_create(parent_id=aisle.pk, code="01")
    second = location_create(parent_id=aisle.pk, code="02")
    milk = ProductFactory(sku="MILK-1L", name="Oat milk", tracking="lot")
    log_in(page, live_server, clerk)

    # Put-away: a receipt of lot OM-7 to MAIN/A/01, with its expiry.
    page.goto(f"{live_server.url}/admin/documents/document/add/")
    page.select_option("#id_doc_type", "receipt")
    pick(page, "id_warehouse", "MAIN")
    page.fill("#id_reference", "PO-77")
    pick(page, "id_lines-0-product", "MILK-1L")
    page.fill("#id_lines-0-quantity", "12")
    pick(page, "id_lines-0-location", "MAIN/A/01")
    page.fill("#id_lines-0-lot_code", "OM-7")
    page.fill("#id_lines-0-expires_on", "2027-03-31")
    screenshot(page, "20-put-away-form")
    shown = save_and_post(page)
    receipt = Document.objects.get(reference="PO-77")
    assert shown == [f"{receipt.number} saved.", f"{receipt.number} posted."]
    assert held(milk) == {("MAIN/A/01", "OM-7"): 12}
    moved = page.inner_text(".field-moved")
    assert "MAIN/A/01" in moved and "OM-7" in moved and "+12" in moved
    screenshot(page, "21-put-away-posted")

    # Internal move: 5 from A/01 to A/02 within MAIN; the lot goes with it.
    page.goto(f"{live_server.url}/admin/documents/document/add/")
    page.select_option("#id_doc_type", "transfer")
    pick(page, "id_warehouse", "MAIN")
    pick(page, "id_destination_warehouse", "MAIN")
    page.fill("#id_reference", "MOVE-1")
    pick(page, "id_lines-0-product", "MILK-1L")
    page.fill("#id_lines-0-quantity", "5")
    pick(page, "id_lines-0-location", "MAIN/A/01")
    pick(page, "id_lines-0-destination_location", "MAIN/A/02")
    screenshot(page, "22-internal-move-form")
    shown = save_and_post(page)
    move = Document.objects.get(reference="MOVE-1")
    assert shown == [f"{move.number} saved.", f"{move.number} posted."]
    assert held(milk) == {("MAIN/A/01", "OM-7"): 7, ("MAIN/A/02", "OM-7"): 5}
    moved = page.inner_text(".field-moved")
    assert "MAIN/A/02" in moved and "-5" in moved and "+5" in moved
    screenshot(page, "23-internal-move-posted")

    # The location tree shows what each shelf holds.
    page.goto(f"{live_server.url}/admin/warehouses/location/{second.pk}/change/")
    assert "MILK-1L" in page.inner_text(".field-holds")
    screenshot(page, "24-location-holds")
    assert first.pk != second.pk
