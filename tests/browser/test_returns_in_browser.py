"""A return in a real browser: from the posted shipment, Create return, then Post."""

import pytest

from documents.models import Document, Status
from documents.services import LineInput
from tests.browser.conftest import screenshot
from tests.browser.test_admin_in_browser import log_in, messages
from tests.factories import ProductFactory, WarehouseFactory
from tests.support.documents import post_lines
from tests.support.stock import total
from tests.support.users import staff_user

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_a_manager_creates_a_return_from_the_shipment_and_posts_it(page, live_server):
    warehouse, milk = WarehouseFactory(code="WEST"), ProductFactory(sku="MILK", tracking="lot")
    post_lines("receipt", warehouse, [LineInput(milk.pk, 5, lot="L1")])
    shipment = post_lines("shipment", warehouse, [LineInput(milk.pk, 3)])
    log_in(page, live_server, staff_user("Warehouse manager"))
    page.goto(f"{live_server.url}/admin/documents/document/{shipment.pk}/change/")

    page.click("button.create-return")

    draft = Document.objects.get(doc_type="return")
    assert messages(page)[0].startswith(f"{draft.number}: a draft return")
    assert page.input_value("#id_lines-0-quantity") == "3"
    assert page.input_value("#id_lines-0-lot_code") == "L1"
    assert shipment.number in page.inner_text(".field-origin")
    screenshot(page, "return_draft")
    page.fill("#id_lines-0-quantity", "2")
    page.once("dialog", lambda d: d.accept())
    page.click("button.post-document")

    assert messages(page) == [f"{draft.number} saved.", f"{draft.number} posted."]
    assert Document.objects.get(pk=draft.pk).status == Status.POSTED
    assert total(milk) == 4
    page.goto(f"{live_server.url}/admin/documents/document/{shipment.pk}/change/")
    assert f"{draft.number} (posted)" in page.inner_text(".field-returns")
