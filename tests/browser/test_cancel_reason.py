"""Cancelling in a real browser asks why, and a dismissed question cancels nothing."""

import pytest

from documents.models import Document, Status
from tests.browser.test_admin_in_browser import log_in, messages
from tests.conftest import make_document, post, staff_user, stock
from tests.factories import ProductFactory, WarehouseFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_cancel_asks_for_the_reason_and_keeps_it(page, live_server):
    warehouse, product = WarehouseFactory(code="MAIN"), ProductFactory(sku="BOX")
    receipt = post("receipt", warehouse, [(product, 6)])
    log_in(page, live_server, staff_user("Warehouse manager"))
    page.goto(f"{live_server.url}/admin/documents/document/{receipt.pk}/change/")

    page.once("dialog", lambda dialog: dialog.dismiss())
    page.click("button.cancel-document")
    page.wait_for_timeout(300)
    assert Document.objects.get(pk=receipt.pk).status == Status.POSTED

    page.once("dialog", lambda dialog: dialog.accept("Delivered to the wrong dock"))
    page.click("button.cancel-document")
    assert messages(page) == [f"{receipt.number} cancelled."]
    assert "Delivered to the wrong dock" in page.inner_text(".field-cancel_reason")
    assert Document.objects.get(pk=receipt.pk).cancel_reason == "Delivered to the wrong dock"
    assert stock(warehouse, product) == 0


def test_enter_in_a_saved_drafts_field_neither_saves_nor_posts(page, live_server):
    """The Post button submits the change form, so it is the form's default button: an Enter
    in a field (a scanner's) would post the draft if the page let it."""
    warehouse, product = WarehouseFactory(code="WEST"), ProductFactory(sku="CRATE")
    draft = make_document("receipt", warehouse, [(product, 2)])
    log_in(page, live_server, staff_user("Warehouse manager"))
    page.goto(f"{live_server.url}/admin/documents/document/{draft.pk}/change/")
    page.fill("#id_reference", "PO-77")
    page.press("#id_reference", "Enter")
    page.fill("#id_lines-0-quantity", "9")
    page.press("#id_lines-0-quantity", "Enter")
    page.wait_for_timeout(500)
    draft.refresh_from_db()
    assert (draft.status, draft.reference) == (Status.DRAFT, "")
    assert stock(warehouse, product) == 0


def test_dismissing_the_post_question_posts_nothing(page, live_server):
    warehouse, product = WarehouseFactory(code="WEST"), ProductFactory(sku="CRATE")
    draft = make_document("receipt", warehouse, [(product, 2)])
    log_in(page, live_server, staff_user("Warehouse manager"))
    page.goto(f"{live_server.url}/admin/documents/document/{draft.pk}/change/")
    page.once("dialog", lambda dialog: dialog.dismiss())
    page.click("button.post-document")
    page.wait_for_timeout(500)
    assert Document.objects.get(pk=draft.pk).status == Status.DRAFT
