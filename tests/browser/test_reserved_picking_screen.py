"""Defect 6 (in part) and 8 (in part): a reserved document is picked from its lines. Enter in
a shipped quantity goes to the next one and never opens the Post question; Post is at the
bottom beside the quantities and Close (which dropped them) is not; What moved numbers lines
1, 2... At 1,366 and 390 px."""

import pytest

from documents.models import Status
from tests.browser.test_admin_in_browser import log_in
from tests.browser.test_picking_in_browser import reserved_shipment  # noqa: F401 (fixture)
from tests.support.users import staff_user

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
