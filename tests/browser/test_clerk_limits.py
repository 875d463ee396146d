"""Defect 9: a clerk's limits are explained, not found out. A clerk drafts a return of a
posted shipment and is told a manager posts it; Start a count says who starts counts instead
of a bare 403. At 1,366 and 390 px."""

import pytest

from documents.models import Document
from tests.browser.test_admin_in_browser import log_in, messages
from tests.factories import ProductFactory, WarehouseFactory
from tests.support.documents import post
from tests.support.users import staff_user

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("width", [1366, 390])
def test_a_clerk_drafts_a_return_and_reads_who_posts_it(page, live_server, width):
    warehouse, pens = WarehouseFactory(code="WEST"), ProductFactory(sku="PEN")
    post("receipt", warehouse, [(pens, 5)])
    shipment = post("shipment", warehouse, [(pens, 2)])
    page.set_viewport_size({"width": width, "height": 900})
    log_in(page, live_server, staff_user("Warehouse clerk"))
    page.goto(f"{live_server.url}/admin/documents/document/{shipment.pk}/change/")
    page.click("button.create-return")
    page.wait_for_selector(".needs-manager")
    assert "a manager posts returns" in page.inner_text(".needs-manager")
    assert page.locator("button.post-document").count() == 0
    assert Document.objects.get(doc_type="return").status == "draft"


@pytest.mark.parametrize("width", [1366, 390])
def test_start_a_count_tells_a_clerk_who_starts_counts(page, live_server, width):
    page.set_viewport_size({"width": width, "height": 900})
    log_in(page, live_server, staff_user("Warehouse clerk"))
    page.goto(f"{live_server.url}/admin/documents/document/start-count/")
    assert messages(page) == ["Counts are started and posted by a warehouse manager."]
    assert page.locator("#site-name").count() == 1  # the admin's own page
