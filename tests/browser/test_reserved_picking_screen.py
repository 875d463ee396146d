"""Defect 6 (in part) and 8 (in part): a reserved document is picked from its lines. Enter in
a shipped quantity goes to the next one and never opens the Post question; Post is at the
bottom beside the quantities and Close (which dropped them) is not; What moved numbers lines
1, 2... Each line says where it is picked from (shelf, lot, expiry, quantity), lines and
stops in walking order. At 1,366 and 390 px."""

from datetime import date

import pytest

from documents.models import Status
from documents.services import LineInput, document_create, document_reserve
from tests.browser.conftest import doc_screenshot
from tests.browser.test_admin_in_browser import log_in
from tests.browser.test_picking_in_browser import reserved_shipment  # noqa: F401 (fixture)
from tests.browser.test_responsive import assert_on_screen
from tests.factories import ProductFactory, WarehouseFactory
from tests.support.documents import post_lines
from tests.support.users import staff_user
from warehouses.services import location_create

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("width", [1366, 390])
def test_shipped_quantities_are_entered_and_posted_at_the_bottom(
    page,
    live_server,
    reserved_shipment,  # noqa: F811 (the fixture imported above)
    width,
):
    page.set_viewport_size({"width": width, "height": 900})
    log_in(page, live_server, staff_user("Warehouse clerk"))
    page.goto(f"{live_server.url}/admin/documents/document/{reserved_shipment.pk}/change/")
    pens, cups = reserved_shipment.lines.order_by("pk")
    asked = []
    page.on("dialog", lambda d: (asked.append(d.message), d.dismiss()))
    page.fill(f"input[name=shipped-{pens.pk}]", "4")
    page.keyboard.press("Enter")
    page.wait_for_timeout(300)
    assert asked == []
    assert page.evaluate("document.activeElement.name") == f"shipped-{cups.pk}"
    assert page.locator(".submit-row a.closelink").count() == 0
    asked.clear()
    page.click("button.post-bottom")
    page.wait_for_timeout(300)
    assert len(asked) == 1 and "PEN × 4" in asked[0] and "6 in total" in asked[0]
    reserved_shipment.refresh_from_db()
    assert reserved_shipment.status == Status.RESERVED  # dismissed: nothing posted


@pytest.fixture
def two_shelves_two_lots(db):
    """MAIN: shelf C/01 walked first, A/01 second. Milk lot L1 (expires first) on A/01, L2 on
    C/01; pens on A/01. A reserved shipment of pens, then 14 milk: FEFO takes all of L1 and 4
    of L2, and the walk starts at C/01."""
    main = WarehouseFactory(code="MAIN")
    c = location_create(warehouse_id=main.pk, code="C", pick_order=1)
    c1 = location_create(parent_id=c.pk, code="01", pick_order=1)
    a = location_create(warehouse_id=main.pk, code="A", pick_order=2)
    a1 = location_create(parent_id=a.pk, code="01", pick_order=2)
    milk = ProductFactory(sku="MILK", tracking="lot")
    pens = ProductFactory(sku="PEN")
    post_lines(
        "receipt",
        main,
        [
            LineInput(milk.pk, 10, location_id=a1.pk, lot="L1", expires_on=date(2027, 1, 31)),
            LineInput(milk.pk, 10, location_id=c1.pk, lot="L2", expires_on=date(2027, 6, 30)),
            LineInput(pens.pk, 5, location_id=a1.pk),
        ],
    )
    shipment = document_create(
        doc_type="shipment",
        warehouse_id=main.pk,
        lines=[LineInput(pens.pk, 3), LineInput(milk.pk, 14)],
    )
    return document_reserve(document_id=shipment.pk)


@pytest.mark.parametrize("width", [1366, 390])
def test_each_line_says_where_it_is_picked_from_in_walking_order(
    page, live_server, two_shelves_two_lots, width
):
    page.set_viewport_size({"width": width, "height": 900})
    log_in(page, live_server, staff_user("Warehouse clerk"))
    page.goto(f"{live_server.url}/admin/documents/document/{two_shelves_two_lots.pk}/change/")
    rows = page.locator("#lines-group tr.form-row:not(.empty-form)")
    stops = [
        rows.nth(n).locator("td.field-pick_from li").all_inner_texts() for n in range(rows.count())
    ]
    # Milk first: its first stop, C/01, is walked before A/01.
    assert stops == [
        ["4 MAIN/C/01 · lot L2 · expires 2027-06-30", "10 MAIN/A/01 · lot L1 · expires 2027-01-31"],
        ["3 MAIN/A/01"],
    ]
    assert rows.nth(0).locator("td.field-product").inner_text().startswith("MILK")
    if width == 390:
        rows.nth(0).scroll_into_view_if_needed()
        doc_screenshot(page, "desk-reserved-pick-from")
    assert_on_screen(page, "#lines-group tr.form-row:not(.empty-form) td.field-pick_from", width)
