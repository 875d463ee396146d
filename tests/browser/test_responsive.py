"""The documents list and a document's lines at a desktop's 1366 px and a handheld's 390 px:
every column on screen, checked by element geometry, and numbers never broken over lines."""

import pytest

from tests.browser.conftest import screenshot
from tests.browser.test_admin_in_browser import PASSWORD
from tests.factories import ProductFactory, WarehouseFactory
from tests.support.documents import make_document, post
from tests.support.users import staff_user

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

WIDTHS = (1366, 390)

# For every element matched: its box, whether its content is cut, how many lines its text
# takes, and the width the page scrolls to.
GEOMETRY = """(selector) => Array.from(document.querySelectorAll(selector)).map((el) => {
    const box = el.getBoundingClientRect();
    const range = document.createRange();
    range.selectNodeContents(el);
    const lines = new Set(Array.from(range.getClientRects()).filter((r) => r.width > 0)
        .map((r) => Math.round(r.top)));
    const style = getComputedStyle(el);
    return {
        text: el.innerText.trim(), left: box.left, right: box.right, width: box.width,
        height: box.height, hidden: style.visibility === 'hidden' || style.display === 'none',
        cut: el.scrollWidth > el.clientWidth + 1 && style.overflowX !== 'visible',
        lines: lines.size,
    };
})"""


def narrow_page(browser, live_server, width):
    context = browser.new_context(viewport={"width": width, "height": 900})
    context.set_default_timeout(15_000)
    page = context.new_page()
    user = staff_user("Warehouse manager")
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_selector("#site-name")
    return context, page


def assert_on_screen(page, selector: str, width: int) -> list[dict]:
    cells = page.evaluate(GEOMETRY, selector)
    assert cells, f"nothing matches {selector}"
    for cell in cells:
        assert not cell["hidden"], cell
        assert cell["width"] > 0 and cell["height"] > 0, cell
        assert cell["left"] >= -0.5 and cell["right"] <= width + 0.5, (width, cell)
        assert not cell["cut"], cell
    scroll = page.evaluate("document.documentElement.scrollWidth")
    assert scroll <= width, f"the page scrolls sideways to {scroll} px at {width} px"
    return cells


@pytest.fixture
def documents(db):
    main = WarehouseFactory(code="MAIN-ROTTERDAM", name="Main warehouse")
    east = WarehouseFactory(code="EAST-2", name="East")
    products = ProductFactory.create_batch(3)
    for _ in range(4):
        post("receipt", main, [(p, 1000) for p in products])
    post("transfer", main, [(products[0], 5)], destination=east)
    post("shipment", main, [(products[1], 999)])
    make_document("shipment", main, [(p, 12345) for p in products], reference="SO-2026-000123")
    return main, products


@pytest.mark.parametrize("width", WIDTHS)
def test_every_column_of_the_documents_list_is_on_screen(browser, live_server, documents, width):
    context, page = narrow_page(browser, live_server, width)
    page.goto(f"{live_server.url}/admin/documents/document/")
    screenshot(page, f"30-documents-list-{width}")
    headers = [h.strip().upper() for h in page.locator("#result_list thead th").all_text_contents()]
    assert "POSTED AT" in headers
    cells = assert_on_screen(page, "#result_list tbody td, #result_list tbody th", width)
    assert len(cells) == len(headers) * 7
    numbers = page.evaluate(GEOMETRY, "#result_list tbody th.field-number a")
    assert all(n["lines"] == 1 for n in numbers), numbers
    context.close()


@pytest.mark.parametrize("width", WIDTHS)
def test_every_column_of_a_documents_lines_is_on_screen(browser, live_server, documents, width):
    from documents.models import Document

    draft = Document.objects.get(reference="SO-2026-000123")
    context, page = narrow_page(browser, live_server, width)
    page.goto(f"{live_server.url}/admin/documents/document/{draft.pk}/change/")
    screenshot(page, f"31-document-lines-{width}")
    for column in ("product", "quantity", "unit", "in_stock", "location", "lot_code"):
        assert_on_screen(
            page, f"#lines-group tr.form-row:not(.empty-form) td.field-{column}", width
        )
    assert_on_screen(page, "#lines-group tr.form-row:not(.empty-form) td.delete", width)
    quantities = page.evaluate(
        GEOMETRY, "#lines-group tr.form-row:not(.empty-form) td.field-quantity input"
    )
    assert all(q["width"] >= 60 for q in quantities), quantities
    context.close()


@pytest.mark.parametrize("width", WIDTHS)
def test_the_dashboard_fits_the_screen(browser, live_server, documents, width):
    context, page = narrow_page(browser, live_server, width)
    page.goto(f"{live_server.url}/admin/")
    screenshot(page, f"32-dashboard-{width}")
    assert_on_screen(page, "#dashboard .dash-card", width)
    assert_on_screen(page, "#dash-stock td, #dash-stock th", width)
    bars = assert_on_screen(page, "#dashboard .dash-day", width)
    assert len(bars) == 30
    context.close()
