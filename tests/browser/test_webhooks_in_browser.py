"""A manager subscribes a receiver in the admin, keeps its secret, tests it, reads the log."""

import pytest
from django.core.management import call_command

from integrations.models import Subscription
from tests.browser.conftest import screenshot
from tests.browser.test_admin_in_browser import log_in, messages
from tests.integrations.receiver import Receiver
from tests.support.users import staff_user
from wms.roles import MANAGER

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_a_manager_subscribes_tests_and_reads_the_delivery_log(page, live_server, settings):
    settings.WEBHOOK_ALLOW_PRIVATE_URLS = True
    log_in(page, live_server, staff_user(MANAGER))
    with Receiver() as receiver:
        page.goto(f"{live_server.url}/admin/integrations/subscription/add/")
        page.fill("#id_url", receiver.url)
        page.check("input[value='document.posted']")
        screenshot(page, "webhook-add")
        page.click("input[name=_save]")
        shown = messages(page)
        secret = Subscription.objects.get().secret
        assert any(secret in m for m in shown), shown

        page.check("input[name=_selected_action]")
        page.select_option("select[name=action]", "send_test_event")
        page.click("button[name=index]")
        assert any("Test events queued" in m for m in messages(page))
        call_command("webhook_worker", "--once")

    [received] = receiver.received
    delivery = Subscription.objects.get().deliveries.get()
    assert received.headers["webhook-id"] == delivery.event.message_id
    page.click("a[href*='delivery/?subscription__id__exact=']")
    screenshot(page, "webhook-deliveries")
    row = page.locator("#result_list tbody tr").first.inner_text()
    assert "webhook.test" in row and "delivered" in row and "200" in row
