"""An auditor renames a product in the admin, then reads who did it from its History button."""

import pytest

from tests.browser.conftest import screenshot
from tests.browser.test_admin_in_browser import log_in
from tests.factories import PASSWORD, ProductFactory
from tests.support.users import user_with

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_a_products_history_shows_the_change_its_author_and_the_way_in(page, live_server):
    product = ProductFactory(name="Bolt")
    auditor = user_with(
        groups=["Auditor"],
        perms=["inventory.view_product", "inventory.change_product"],
        is_staff=True,
        password=PASSWORD,
    )
    log_in(page, live_server, auditor)
    page.goto(f"{live_server.url}/admin/inventory/product/{product.pk}/change/")
    page.fill("#id_name", "Bolt M8")
    page.click("input[name=_continue]")
    page.wait_for_selector("ul.messagelist li")
    page.click("a.historylink")
    page.wait_for_selector("#result_list")
    screenshot(page, "audit-history")
    rows = page.locator("#result_list tbody tr").all_inner_texts()
    assert "update" in rows[0] and auditor.username in rows[0] and "admin" in rows[0]
    assert "create" in rows[-1]
    page.locator("#result_list tbody tr").first.locator("th a, td a").first.click()
    page.wait_for_selector(".field-changes_table")
    changes = page.inner_text(".field-changes_table")
    assert '"Bolt"' in changes and '"Bolt M8"' in changes
