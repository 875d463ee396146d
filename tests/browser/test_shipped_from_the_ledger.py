"""Defect 2: after a short pick, the posted shipment and its delivery note say what shipped,
with the lots and shelves it came from (the ledger), not what was ordered. At 1,366 and 390 px."""

import pytest

from documents.models import Document
from tests.browser.conftest import doc_screenshot
from tests.browser.test_admin_in_browser import log_in
from tests.documents.test_pick_flow import picking_day
from tests.support.users import staff_user

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("width", [1366, 390])
def test_a_short_picked_shipment_shows_and_prints_what_shipped(page, live_server, width):
    pick_list, tasks, t = picking_day()
    first = t["first"]  # milk 4 (lot L1 on MAIN/A/01), pens 3 (MAIN/B/01)
    page.set_viewport_size({"width": width, "height": 900})
    log_in(page, live_server, staff_user("Warehouse clerk"))
    page.goto(f"{live_server.url}/admin/documents/document/{first.pk}/change/")
    milk, pens = first.lines.order_by("pk")
    page.fill(f"input[name=shipped-{milk.pk}]", "3")
    page.once("dialog", lambda d: d.accept())
    page.click("button.post-document")
    page.wait_for_selector(".messagelist")
    assert Document.objects.get(pk=first.pk).status == "posted"

    moved = page.locator("#lines-group td.field-line_moved").all_inner_texts()
    assert moved == ["3 MAIN/A/01 · lot L1 (expires 2027-01-31)", "3 MAIN/B/01"]
    if width == 1366:
        page.locator("#lines-group").scroll_into_view_if_needed()
        doc_screenshot(page, "desk-posted-short-pick")

    page.goto(f"{live_server.url}/admin/documents/document/{first.pk}/paper/")
    rows = page.locator("#paper-lines tbody tr")
    cells = [
        [
            rows.nth(n).locator(f"td.{c}").inner_text().strip()
            for c in ("location", "sku", "lot", "expires", "ordered", "moved")
        ]
        for n in range(rows.count())
    ]
    assert cells == [
        ["MAIN/A/01", "MILK", "L1", "2027-01-31", "4", "3"],
        ["MAIN/B/01", "PEN", "", "", "3", "3"],
    ]
    assert "Shipped" in page.inner_text("#paper-lines thead")
