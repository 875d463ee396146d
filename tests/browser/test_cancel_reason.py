"""Cancelling in a real browser asks why, and a dismissed question cancels nothing."""

import pytest

from documents.models import Document, Status
from tests.browser.test_admin_in_browser import log_in, messages
from tests.conftest import post, staff_user, stock
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
