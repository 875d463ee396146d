"""A warehouse day in the admin, in a real browser, on a live server and PostgreSQL."""

import pytest

from documents.models import Document, Status
from tests.browser.conftest import screenshot
from tests.factories import ProductFactory, WarehouseFactory
from tests.support.documents import make_document, post
from tests.support.stock import stock, total
from tests.support.users import staff_user

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

PASSWORD = "pw-for-tests-only"


def log_in(page, live_server, user, shot=None):
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", PASSWORD)
    if shot:
        screenshot(page, shot)
    page.click("input[type=submit]")
    page.wait_for_selector("#site-name")
    assert "WMS back office" in page.inner_text("#site-name")


def pick(page, field_id: str, text: str) -> None:
    """Choose `text` in an admin autocomplete (select2) field."""
    page.click(f"[aria-labelledby='select2-{field_id}-container']")
    page.fill(".select2-container--open .select2-search__field", text)
    page.click(f".select2-container--open .select2-results__option:has-text('{text}')")


def messages(page) -> list[str]:
    page.wait_for_selector("ul.messagelist li")
    return page.locator("ul.messagelist li").all_inner_texts()


def new_document(page, live_server, doc_type, warehouse, lines, reference):
    page.goto(f"{live_server.url}/admin/documents/document/add/")
    page.select_option("#id_doc_type", doc_type)
    pick(page, "id_warehouse", warehouse.code)
    page.fill("#id_reference", reference)
    for n, (product, quantity) in enumerate(lines):
        if n > 0:
            page.click(".add-row a")
        pick(page, f"id_lines-{n}-product", product.sku)
        page.fill(f"#id_lines-{n}-quantity", str(quantity))
    return page


def test_a_manager_receives_posts_sees_the_stock_and_cannot_overship(page, live_server):
    manager = staff_user("Warehouse manager")
    warehouse = WarehouseFactory(code="MAIN", name="Main warehouse")
    wrap = ProductFactory(sku="WRAP-500", name="Pallet wrap 500 mm")
    tape = ProductFactory(sku="TAPE-50", name="Packing tape")

    log_in(page, live_server, manager, shot="01-login")
    screenshot(page, "02-home")

    new_document(page, live_server, "receipt", warehouse, [(wrap, 10), (tape, 4)], "PO-1001")
    screenshot(page, "03-receipt-form")
    page.click("input[name=_continue]")
    receipt = Document.objects.get(reference="PO-1001")
    assert receipt.created_by == manager
    assert f"{receipt.number}" in " ".join(messages(page))

    page.once("dialog", lambda dialog: dialog.accept())  # "Post ...? Its stock moves now"
    page.click("button.post-document")
    assert messages(page) == [f"{receipt.number} saved.", f"{receipt.number} posted."]
    assert "posted" in page.inner_text(".field-status_badge")
    screenshot(page, "04-receipt-posted")
    assert (stock(warehouse, wrap), stock(warehouse, tape)) == (10, 4)

    page.goto(f"{live_server.url}/admin/inventory/product/{wrap.pk}/change/")
    stock_cell = page.locator(".field-stock_by_warehouse table tbody tr").first
    assert stock_cell.inner_text().split("\t") == ["MAIN — Main warehouse", "10", "0", "10"]
    assert receipt.number in page.inner_text(".field-latest_movements")
    screenshot(page, "05-product-stock")

    new_document(page, live_server, "shipment", warehouse, [(wrap, 25)], "SO-2001")
    page.click("input[name=_continue]")
    shipment = Document.objects.get(reference="SO-2001")
    page.once("dialog", lambda dialog: dialog.accept())  # "Post ...? Its stock moves now"
    page.click("button.post-document")
    assert messages(page) == [
        f"{shipment.number} saved.",
        f"{shipment.number} was not posted: Insufficient stock: "
        "WRAP-500 in MAIN: requested 25, available 10.",
    ]
    screenshot(page, "06-shipment-short")
    shipment.refresh_from_db()
    assert shipment.status == Status.DRAFT
    assert (stock(warehouse, wrap), total(wrap)) == (10, 10)

    page.goto(f"{live_server.url}/admin/documents/document/")
    assert page.locator("#result_list tbody tr").count() == 2
    screenshot(page, "07-document-list")
    page.goto(f"{live_server.url}/admin/inventory/warehouseinventory/")
    screenshot(page, "08-stock-list")


def test_a_clerk_finds_no_way_to_cancel(page, live_server):
    clerk = staff_user("Warehouse clerk")
    warehouse = WarehouseFactory(code="EAST")
    product = ProductFactory(sku="BOX-L")
    receipt = post("receipt", warehouse, [(product, 5)])

    log_in(page, live_server, clerk)
    page.goto(f"{live_server.url}/admin/documents/document/{receipt.pk}/change/")
    assert page.locator("button.post-document").count() == 0
    assert page.locator("button.cancel-document").count() == 0
    assert page.locator("text=Cancel document").count() == 0
    screenshot(page, "09-clerk-posted-receipt")

    page.goto(f"{live_server.url}/admin/documents/document/")
    actions = page.locator("select[name=action] option").all_inner_texts()
    assert "Post selected drafts" in actions
    assert not any("Cancel" in a for a in actions)
    screenshot(page, "10-clerk-document-list")
    assert Document.objects.get(pk=receipt.pk).status == Status.POSTED


def open_draft_of_one(page, live_server, code: str, sku: str):
    """A manager on the change page of a saved receipt draft of 1 unit."""
    warehouse, product = WarehouseFactory(code=code), ProductFactory(sku=sku)
    draft = make_document("receipt", warehouse, [(product, 1)])
    log_in(page, live_server, staff_user("Warehouse manager"))
    page.goto(f"{live_server.url}/admin/documents/document/{draft.pk}/change/")
    return draft, warehouse, product


def test_post_posts_what_is_on_screen_not_the_saved_draft(page, live_server):
    draft, warehouse, product = open_draft_of_one(page, live_server, "WEST", "CRATE-1")
    page.fill("#id_lines-0-quantity", "6")  # changed on screen, not saved
    screenshot(page, "11-draft-edited-before-post")
    page.once("dialog", lambda dialog: dialog.accept())  # "Post ...? Its stock moves now"
    page.click("button.post-document")

    assert messages(page) == [f"{draft.number} saved.", f"{draft.number} posted."]
    screenshot(page, "12-posted-what-was-on-screen")
    assert Document.objects.get(pk=draft.pk).status == Status.POSTED
    assert stock(warehouse, product) == 6


def test_post_with_an_invalid_line_on_screen_posts_nothing(page, live_server):
    draft, warehouse, product = open_draft_of_one(page, live_server, "NORTH", "CRATE-2")
    page.fill("#id_lines-0-quantity", "-3")
    page.once("dialog", lambda dialog: dialog.accept())
    page.click("button.post-document")

    page.wait_for_selector(".errornote")
    screenshot(page, "13-post-refused-invalid-form")
    assert Document.objects.get(pk=draft.pk).status == Status.DRAFT
    assert draft.lines.get().quantity == 1
    assert stock(warehouse, product) == 0
