"""/api/v1/webhooks/: subscribe (the secret shown once), change, pause, rotate, test, the log."""

import pytest
from django.core.management import call_command

from integrations.models import Subscription
from tests.integrations.receiver import Receiver
from tests.oauth2 import bearer, create_client
from tests.support.users import api_client, user_with

pytestmark = pytest.mark.django_db

URL = "/api/v1/webhooks/"


def create(client, **fields):
    body = {"url": "https://93.184.215.14/wms", "events": ["document.posted"], **fields}
    return client.post(URL, body)


def test_subscribing_shows_the_secret_once(manager_api, manager):
    response = create(manager_api, description="ERP")
    assert response.status_code == 201
    body = response.json()
    assert body["secret"].startswith("whsec_")
    assert body["url"] == "https://93.184.215.14/wms"
    assert body["events"] == ["document.posted"]
    assert body["is_active"] is True
    assert Subscription.objects.get().created_by == manager
    assert "secret" not in manager_api.get(f"{URL}{body['id']}/").json()
    assert "secret" not in manager_api.get(URL).json()["results"][0]


@pytest.mark.parametrize(
    "url, message",
    [
        ("http://127.0.0.1:8000/hook", "resolves to 127.0.0.1"),
        ("http://localhost/hook", "webhooks go to public addresses only"),
        ("http://10.1.2.3/hook", "resolves to 10.1.2.3"),
        ("http://192.168.0.10/hook", "resolves to 192.168.0.10"),
        ("http://169.254.169.254/latest/meta-data", "resolves to 169.254.169.254"),
        ("http://[::1]/hook", "resolves to ::1"),
        ("http://[::ffff:127.0.0.1]/hook", "resolves to ::ffff:127.0.0.1"),
        ("ftp://93.184.215.14/", "Only http and https URLs can receive webhooks."),
    ],
)
def test_internal_addresses_are_refused_with_a_400(manager_api, settings, url, message):
    settings.WEBHOOK_ALLOW_PRIVATE_URLS = False
    response = create(manager_api, url=url)
    assert response.status_code == 400
    assert message in response.json()["errors"]["url"][0]
    assert not Subscription.objects.exists()


def test_with_private_urls_allowed_a_local_receiver_may_subscribe(manager_api, settings):
    settings.WEBHOOK_ALLOW_PRIVATE_URLS = True
    assert create(manager_api, url="http://127.0.0.1:18299/hook").status_code == 201


def test_unknown_events_are_a_400(manager_api):
    response = create(manager_api, events=["document.posted", "stock.teleported"])
    assert response.status_code == 400
    assert not Subscription.objects.exists()


def test_pause_resume_and_change(manager_api):
    created = create(manager_api).json()
    response = manager_api.patch(f"{URL}{created['id']}/", {"is_active": False})
    assert response.status_code == 200
    assert response.json()["is_active"] is False
    response = manager_api.put(
        f"{URL}{created['id']}/",
        {"url": "https://93.184.215.15/other", "events": ["document.cancelled"]},
    )
    assert response.json()["url"] == "https://93.184.215.15/other"
    assert response.json()["events"] == ["document.cancelled"]
    assert response.json()["is_active"] is True


def test_rotating_the_secret_shows_a_new_one(manager_api):
    created = create(manager_api).json()
    rotated = manager_api.post(f"{URL}{created['id']}/rotate-secret/")
    assert rotated.status_code == 200
    assert rotated.json()["secret"].startswith("whsec_")
    assert rotated.json()["secret"] != created["secret"]
    assert Subscription.objects.get().secret == rotated.json()["secret"]


def test_delete(manager_api):
    created = create(manager_api).json()
    assert manager_api.delete(f"{URL}{created['id']}/").status_code == 204
    assert manager_api.get(f"{URL}{created['id']}/").status_code == 404


def test_a_test_event_is_delivered_and_logged(manager_api, settings):
    settings.WEBHOOK_ALLOW_PRIVATE_URLS = True
    with Receiver() as receiver:
        created = create(manager_api, url=receiver.url, is_active=False).json()
        queued = manager_api.post(f"{URL}{created['id']}/test/")
        assert queued.status_code == 202
        assert queued.json()["event_type"] == "webhook.test"
        assert queued.json()["status"] == "pending"
        call_command("webhook_worker", "--once")
    [received] = receiver.received
    assert received.headers["webhook-id"] == queued.json()["webhook_id"]
    log = manager_api.get(f"{URL}{created['id']}/deliveries/").json()
    [entry] = log["results"]
    assert entry["status"] == "delivered"
    assert entry["response_code"] == 200
    assert entry["attempts"] == 1
    assert entry["latency_ms"] >= 0
    assert entry["next_attempt_at"] is None


def test_clerks_may_not_manage_webhooks(clerk_api):
    assert clerk_api.get(URL).status_code == 403
    assert create(clerk_api).status_code == 403


def test_a_manager_without_change_may_not_rotate(manager_api):
    created = create(manager_api).json()
    viewer = api_client(user_with(perms=["integrations.view_subscription"]))
    response = viewer.post(f"{URL}{created['id']}/rotate-secret/")
    assert response.status_code == 403
    assert "integrations.change_subscription" in response.json()["detail"]


def test_an_oauth2_read_token_may_list_but_not_subscribe(manager):
    client = bearer(create_client(manager, "read"))
    assert client.get(URL).status_code == 200
    response = create(client)
    assert response.status_code == 403
    assert "'write'" in response.json()["detail"]


def test_a_host_that_does_not_resolve_is_a_400(manager_api):
    response = create(manager_api, url="https://no-such-host.invalid/hook")
    assert response.status_code == 400
    assert response.json()["errors"]["url"] == ["The host no-such-host.invalid cannot be resolved."]
