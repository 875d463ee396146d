import pytest

from documents.models import Document, Status
from tests.documents.admin_helpers import (
    CHANGELIST_URL,
    cancel_url,
    change_url,
    form_data,
    messages_of,
    post_url,
)
from tests.factories import ProductFactory
from tests.support.documents import make_document, post
from tests.support.stock import stock, total

pytestmark = pytest.mark.django_db


def status(document) -> str:
    return Document.objects.get(pk=document.pk).status


def run_action(client, action, documents, **fields):
    return client.post(
        CHANGELIST_URL,
        {"action": action, "_selected_action": [d.pk for d in documents], **fields},
        follow=True,
    )


def test_the_post_view_posts_a_saved_draft_and_says_so(manager_client, warehouse, product):
    draft = make_document("receipt", warehouse, [(product, 8)])
    response = manager_client.post(post_url(draft), follow=True)

    assert messages_of(response) == [f"{draft.number} posted."]
    assert status(draft) == Status.POSTED
    assert stock(warehouse, product) == 8


def test_the_post_button_submits_the_change_form(manager_client, warehouse, product):
    draft = make_document("receipt", warehouse, [(product, 8)])
    page = manager_client.get(change_url(draft)).content.decode()
    assert 'form="document_form" name="_post"' in page


def post_the_form(client, draft, warehouse, quantity):
    line = draft.lines.get()
    data = form_data(warehouse=warehouse, existing=[line], **{"lines-0-quantity": quantity})
    return client.post(change_url(draft), {**data, "_post": "1"}, follow=True)


def test_post_saves_what_is_on_screen_then_posts_it(manager_client, warehouse, product):
    draft = make_document("receipt", warehouse, [(product, 1)])

    response = post_the_form(manager_client, draft, warehouse, quantity=6)

    assert messages_of(response) == [f"{draft.number} saved.", f"{draft.number} posted."]
    assert status(draft) == Status.POSTED
    assert stock(warehouse, product) == 6  # what was on screen, not the saved 1


def test_post_with_an_invalid_form_saves_and_posts_nothing(manager_client, warehouse, product):
    draft = make_document("receipt", warehouse, [(product, 1)])

    response = post_the_form(manager_client, draft, warehouse, quantity="six")

    assert response.context["errors"]  # the form again, with its errors
    assert status(draft) == Status.DRAFT
    assert draft.lines.get().quantity == 1
    assert stock(warehouse, product) == 0


def test_a_refused_post_keeps_the_saved_changes_and_says_why(manager_client, warehouse, product):
    post("receipt", warehouse, [(product, 5)])
    shipment = make_document("shipment", warehouse, [(product, 1)])

    response = post_the_form(manager_client, shipment, warehouse, quantity=9)

    assert messages_of(response)[0] == f"{shipment.number} saved."
    assert messages_of(response)[1].startswith(f"{shipment.number} was not posted: Insufficient")
    assert status(shipment) == Status.DRAFT
    assert shipment.lines.get().quantity == 9
    assert stock(warehouse, product) == 5


def test_a_short_shipment_is_refused_with_every_shortage_spelled_out(
    manager_client, warehouse, product
):
    other = ProductFactory()
    post("receipt", warehouse, [(product, 5), (other, 1)])
    shipment = make_document("shipment", warehouse, [(product, 9), (other, 3)])

    response = manager_client.post(post_url(shipment), follow=True)

    assert messages_of(response) == [
        f"{shipment.number} was not posted: Insufficient stock: "
        f"{product.sku} in {warehouse.code}: requested 9, available 5; "
        f"{other.sku} in {warehouse.code}: requested 3, available 1."
    ]
    assert status(shipment) == Status.DRAFT
    assert (stock(warehouse, product), stock(warehouse, other)) == (5, 1)
    assert total(product) == 5


def test_the_cancel_button_reverses_a_posted_receipt(manager_client, warehouse, product):
    receipt = post("receipt", warehouse, [(product, 4)])
    assert (
        f'action="{cancel_url(receipt)}"'
        in manager_client.get(change_url(receipt)).content.decode()
    )

    response = manager_client.post(cancel_url(receipt), {"reason": "wrong supplier"}, follow=True)

    assert messages_of(response) == [f"{receipt.number} cancelled."]
    assert status(receipt) == Status.CANCELLED
    assert stock(warehouse, product) == 0
    assert "wrong supplier" in manager_client.get(change_url(receipt)).content.decode()


def test_cancelling_needs_a_reason_which_is_kept(manager_client, manager_api, warehouse, product):
    receipt = post("receipt", warehouse, [(product, 4)])
    response = manager_client.post(cancel_url(receipt), {"reason": "  "}, follow=True)
    assert messages_of(response) == [
        f"{receipt.number} was not cancelled: Give the reason for cancelling."
    ]
    assert status(receipt) == Status.POSTED and stock(warehouse, product) == 4
    assert 'name="reason"' in manager_client.get(change_url(receipt)).content.decode()

    other = post("receipt", warehouse, [(product, 1)])
    response = manager_api.post(f"/api/v1/documents/{other.pk}/cancel/", {"reason": "typo"})
    assert response.json()["cancel_reason"] == "typo"
    empty = post("receipt", warehouse, [(product, 1)])
    assert manager_api.post(f"/api/v1/documents/{empty.pk}/cancel/").json()["cancel_reason"] == ""


def test_posting_twice_reports_the_state(manager_client, warehouse, product):
    receipt = post("receipt", warehouse, [(product, 4)])
    response = manager_client.post(post_url(receipt), follow=True)
    assert messages_of(response) == [
        f"{receipt.number} was not posted: {receipt.number} is already posted; "
        "only drafts and reserved documents can be posted."
    ]
    assert stock(warehouse, product) == 4


def test_buttons_only_show_what_can_be_done(manager_client, warehouse, product):
    receipt = post("receipt", warehouse, [(product, 4)])
    page = manager_client.get(change_url(receipt)).content.decode()
    assert 'class="post-document"' not in page  # posted already
    manager_client.post(cancel_url(receipt), {"reason": "test"})
    page = manager_client.get(change_url(receipt)).content.decode()
    assert 'class="post-document"' not in page and 'class="cancel-document"' not in page


def test_a_get_does_not_post(manager_client, warehouse, product):
    draft = make_document("receipt", warehouse, [(product, 1)])
    assert manager_client.get(post_url(draft)).status_code == 405
    assert status(draft) == Status.DRAFT


def test_actions_report_each_document_on_its_own(manager_client, warehouse, product):
    post("receipt", warehouse, [(product, 5)])
    fits = make_document("shipment", warehouse, [(product, 2)])
    short = make_document("shipment", warehouse, [(product, 50)])
    posted = post("receipt", warehouse, [(product, 1)])

    response = run_action(manager_client, "post_selected", [fits, short, posted])

    assert messages_of(response) == [
        f"{fits.number} posted.",
        f"{short.number} was not posted: Insufficient stock: {product.sku} in "
        f"{warehouse.code}: requested 50, available 4.",
        f"{posted.number} was not posted: {posted.number} is already posted; "
        "only drafts and reserved documents can be posted.",
    ]
    assert [status(d) for d in (fits, short, posted)] == [
        Status.POSTED,
        Status.DRAFT,
        Status.POSTED,
    ]
    assert stock(warehouse, product) == 4


def test_the_cancel_action_cancels_each_selected_document(manager_client, warehouse, product):
    first = post("receipt", warehouse, [(product, 5)])
    draft = make_document("receipt", warehouse, [(product, 1)])
    response = run_action(manager_client, "cancel_selected", [first, draft])
    assert messages_of(response) == ["Nothing was cancelled: give the reason for cancelling."]
    assert stock(warehouse, product) == 5
    response = run_action(manager_client, "cancel_selected", [first, draft], reason="duplicate")
    assert messages_of(response) == [f"{first.number} cancelled.", f"{draft.number} cancelled."]
    assert stock(warehouse, product) == 0
    first.refresh_from_db()
    assert first.cancel_reason == "duplicate"


# --- a clerk --------------------------------------------------------------------------------


def test_a_clerk_sees_no_cancel_button_or_action(clerk_client, warehouse, product):
    receipt = post("receipt", warehouse, [(product, 4)])
    draft = make_document("receipt", warehouse, [(product, 1)])

    page = clerk_client.get(change_url(receipt)).content.decode()
    draft_page = clerk_client.get(change_url(draft)).content.decode()
    changelist = clerk_client.get(CHANGELIST_URL).content.decode()

    assert 'class="cancel-document"' not in page and 'class="cancel-document"' not in draft_page
    assert 'class="post-document"' in draft_page  # a clerk posts receipts
    assert 'value="cancel_selected"' not in changelist
    assert 'value="post_selected"' in changelist


def test_a_forged_cancel_by_a_clerk_is_refused(clerk_client, warehouse, product):
    receipt = post("receipt", warehouse, [(product, 4)])

    assert clerk_client.post(cancel_url(receipt)).status_code == 403
    run_action(clerk_client, "cancel_selected", [receipt])

    assert status(receipt) == Status.POSTED
    assert stock(warehouse, product) == 4


@pytest.mark.parametrize("doc_type", ["adjustment", "count"])
def test_a_clerk_cannot_post_stock_corrections(clerk_client, warehouse, product, doc_type):
    post("receipt", warehouse, [(product, 4)])
    correction = make_document(doc_type, warehouse, [(product, 1)])

    assert 'class="post-document"' not in clerk_client.get(change_url(correction)).content.decode()
    assert clerk_client.post(post_url(correction)).status_code == 403
    response = run_action(clerk_client, "post_selected", [correction])

    assert messages_of(response) == [
        f"{correction.number} was not posted: You do not have permission to post {doc_type}s."
    ]
    assert status(correction) == Status.DRAFT
    assert stock(warehouse, product) == 4


def test_a_manager_posts_stock_corrections(manager_client, warehouse, product):
    adjustment = make_document("adjustment", warehouse, [(product, 3)])
    assert 'class="post-document"' in manager_client.get(change_url(adjustment)).content.decode()
    manager_client.post(post_url(adjustment))
    assert stock(warehouse, product) == 3
