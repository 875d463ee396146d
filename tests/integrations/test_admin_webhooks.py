"""Managers subscribe, pause, rotate and test webhooks in the back office, and read the log."""

import pytest

from integrations.models import Delivery, Subscription
from tests.integrations.conftest import subscribe

pytestmark = pytest.mark.django_db

ADD = "/admin/integrations/subscription/add/"
LIST = "/admin/integrations/subscription/"


def test_a_manager_subscribes_and_sees_the_secret_once(manager_client):
    response = manager_client.post(
        ADD,
        {"url": "https://93.184.215.14/hook", "events": ["document.posted"], "is_active": "on"},
        follow=True,
    )
    assert response.status_code == 200
    subscription = Subscription.objects.get()
    shown = [str(m) for m in response.context["messages"]]
    assert any(subscription.secret in m for m in shown), shown
    assert (
        subscription.secret
        not in manager_client.get(f"{LIST}{subscription.pk}/change/").content.decode()
    )


def test_an_internal_address_is_refused_on_the_form(manager_client, settings):
    settings.WEBHOOK_ALLOW_PRIVATE_URLS = False
    response = manager_client.post(
        ADD, {"url": "http://169.254.169.254/", "events": ["document.posted"]}
    )
    assert response.status_code == 200
    assert "public addresses only" in response.content.decode()
    assert not Subscription.objects.exists()


def test_actions_pause_resume_and_send_a_test_event(manager_client):
    subscription = subscribe()
    for action in ("pause", "send_test_event"):
        response = manager_client.post(
            LIST, {"action": action, "_selected_action": [subscription.pk]}, follow=True
        )
        assert response.status_code == 200
    subscription.refresh_from_db()
    assert subscription.is_active is False
    assert Delivery.objects.get().event.type == "webhook.test"
    log = manager_client.get(
        f"/admin/integrations/delivery/?subscription__id__exact={subscription.pk}"
    )
    assert log.status_code == 200
    assert "webhook.test" in log.content.decode()


def test_clerks_do_not_see_webhooks(clerk_client):
    assert clerk_client.get(LIST).status_code == 403
