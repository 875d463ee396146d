"""Posting and cancelling in a real browser: Post asks first, Cancel asks why, a dismissed
question changes nothing, and Enter in a field neither saves nor posts."""

import pytest

from documents.models import Document, Status
from tests.browser.test_admin_in_browser import log_in, messages
from tests.factories import ProductFactory, WarehouseFactory
from tests.support.documents import make_document, post
from tests.support.stock import stock
from tests.support.users import staff_user

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def goods(db):
    return WarehouseFactory(code="WEST"), ProductFactory(sku="CRATE")


def open_as_manager(page, live_server, document):
    log_in(page, live_server, staff_user("Warehouse manager"))
    page.goto(f"{live_server.url}/admin/documents/document/{document.pk}/change/")


def click_and_answer(page, button: str, answer: str | None) -> None:
    """Click a button that asks a question; answer it, or dismiss it with None."""
    page.once("dialog", lambda d: d.dismiss() if answer is None else d.accept(answer))
    page.click(button)
    if answer is None:
        page.wait_for_timeout(400)  # time for a submit that must not happen


def test_cancel_asks_for_the_reason_and_keeps_it(page, live_server, goods):
    warehouse, product = goods
    receipt = post("receipt", warehouse, [(product, 6)])
    open_as_manager(page, live_server, receipt)

    click_and_answer(page, "button.cancel-document", None)
    assert Document.objects.get(pk=receipt.pk).status == Status.POSTED

    click_and_answer(page, "button.cancel-document", "Delivered to the wrong dock")
    assert messages(page) == [f"{receipt.number} cancelled."]
    assert "Delivered to the wrong dock" in page.inner_text(".field-cancel_reason")
    assert Document.objects.get(pk=receipt.pk).cancel_reason == "Delivered to the wrong dock"
    assert stock(warehouse, product) == 0


def test_enter_in_a_saved_drafts_field_neither_saves_nor_posts(page, live_server, goods):
    """The Post button submits the change form, so it is the form's default button: an Enter
    in a field (a scanner's) would post the draft if the page let it."""
    warehouse, product = goods
    draft = make_document("receipt", warehouse, [(product, 2)])
    open_as_manager(page, live_server, draft)
    page.fill("#id_reference", "PO-77")
    page.press("#id_reference", "Enter")
    page.fill("#id_lines-0-quantity", "9")
    page.press("#id_lines-0-quantity", "Enter")
    page.wait_for_timeout(500)
    draft.refresh_from_db()
    assert (draft.status, draft.reference) == (Status.DRAFT, "")
    assert stock(warehouse, product) == 0


def test_dismissing_the_post_question_posts_nothing(page, live_server, goods):
    warehouse, product = goods
    draft = make_document("receipt", warehouse, [(product, 2)])
    open_as_manager(page, live_server, draft)
    click_and_answer(page, "button.post-document", None)
    assert Document.objects.get(pk=draft.pk).status == Status.DRAFT
