"""Defect 9: a clerk's limits are explained, not found out. A clerk drafts a return of a
posted shipment and is told a manager posts it; Start a count says who starts counts instead
of a bare 403; no cancel-reason box is offered to who cannot cancel; any refused admin page
is the admin's own, naming the role that may. At 1,366 and 390 px."""

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


@pytest.mark.parametrize("width", [1366, 390])
def test_a_clerk_is_offered_no_cancel_reason(page, live_server, width):
    warehouse, pens = WarehouseFactory(code="WEST"), ProductFactory(sku="PEN")
    receipt = post("receipt", warehouse, [(pens, 5)])
    page.set_viewport_size({"width": width, "height": 900})
    log_in(page, live_server, staff_user("Warehouse clerk"))
    page.goto(f"{live_server.url}/admin/documents/document/")
    assert page.locator("#changelist-form select[name=action]").count() == 1  # actions stay
    assert page.locator("#changelist-form input[name=reason]").count() == 0
    page.goto(f"{live_server.url}/admin/documents/document/{receipt.pk}/change/")
    assert page.locator("button.cancel-document").count() == 0
    assert page.locator(".field-cancel_reason").count() == 0
    page.context.clear_cookies()
    log_in(page, live_server, staff_user("Warehouse manager"))
    page.goto(f"{live_server.url}/admin/documents/document/")
    assert page.locator("#changelist-form input[name=reason]").count() == 1


@pytest.mark.parametrize("width", [1366, 390])
def test_a_refused_admin_page_is_the_admins_own_and_names_the_role(page, live_server, width):
    page.set_viewport_size({"width": width, "height": 900})
    log_in(page, live_server, staff_user("Warehouse clerk"))
    response = page.goto(f"{live_server.url}/admin/inventory/product/add/")
    assert response.status == 403
    assert page.locator("#site-name").count() == 1  # the admin's header and navigation
    assert "It needs the Warehouse manager role" in page.inner_text("#forbidden")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    page.click("#forbidden a.button")
    page.wait_for_selector("#task-buttons")
