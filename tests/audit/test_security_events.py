"""Security events reach the audit trail and the log as structured lines."""

import json
import logging
import uuid

import pytest
from django.urls import reverse

from audit.models import AuditEvent
from tests.factories import PASSWORD
from tests.support.users import api_client, user_with
from wms.log import JsonFormatter, RequestIdFilter

pytestmark = pytest.mark.django_db


def fresh_ip() -> str:
    return f"10.{uuid.uuid4().int % 250}.{uuid.uuid4().int % 250}.{uuid.uuid4().int % 250}"


def last(action):
    return AuditEvent.objects.filter(action=action).latest("id")


def login(client, username, password, ip):
    return client.post(
        reverse("admin:login"),
        {"username": username, "password": password, "next": "/admin/"},
        REMOTE_ADDR=ip,
    )


def test_logins_succeeded_failed_and_locked(client, settings):
    settings.ADMIN_LOGIN_RATE = "2/m"
    user = user_with(is_staff=True, password=PASSWORD)
    ip = fresh_ip()
    login(client, user.username, PASSWORD, ip)
    ok = last("login")
    assert (ok.model, ok.object_id, ok.via) == ("user", str(user.pk), "admin")
    assert ok.changes["ip"] == ip
    login(client, "mallory", "wrong", ip)
    failed = last("login_failed")
    assert (failed.object_id, failed.changes["ip"]) == ("mallory", ip)
    locked = login(client, "mallory", "wrong", ip)
    assert locked.status_code == 429
    event = last("login_locked")
    assert event.object_id == "mallory" and event.changes["wait_seconds"] >= 1


def test_401_and_403_answers_are_recorded(db):
    assert api_client().get("/api/v1/products/", REMOTE_ADDR="10.9.9.9").status_code == 401
    denied = last("denied")
    assert denied.changes == {
        "ip": "10.9.9.9",
        "path": "/api/v1/products/",
        "status": 401,
        "code": "not_authenticated",
    }
    nobody = user_with()
    assert api_client(nobody).get("/api/v1/products/").status_code == 403
    denied = last("denied")
    assert (denied.actor, denied.changes["status"]) == (nobody.username, 403)


def test_rate_limit_refusals_are_recorded(settings):
    settings.RATE_LIMIT_PER_MINUTE = 1
    client = api_client()
    ip = fresh_ip()
    statuses = [client.get("/api/v1/products/", REMOTE_ADDR=ip).status_code for _ in range(5)]
    assert statuses.count(429) == 4
    refused = last("rate_limited")
    assert refused.changes["ip"] == ip and refused.changes["limit_per_minute"] == 1
    # A flood is one row a minute per client, not one per refused request.
    assert AuditEvent.objects.filter(action="rate_limited", changes__ip=ip).count() == 1


def test_security_events_are_json_log_lines(caplog):
    caplog.set_level(logging.INFO, logger="wms.security")
    api_client().get("/api/v1/products/", REMOTE_ADDR="10.8.8.8")
    (record,) = [r for r in caplog.records if r.name == "wms.security"]
    RequestIdFilter().filter(record)
    line = json.loads(JsonFormatter().format(record))
    assert line["logger"] == "wms.security"
    assert line["event"]["action"] == "denied"
    assert line["event"]["ip"] == "10.8.8.8" and line["event"]["status"] == 401


def test_token_and_group_changes_are_logged(caplog):
    caplog.set_level(logging.INFO, logger="wms.security")
    user = user_with(groups=["Auditor"])
    api_client(user)  # creates the user's token
    actions = [r.event["action"] for r in caplog.records if r.name == "wms.security"]
    assert "auth_user_groups.add" in actions
    assert "create" in actions
    tokens = [r.event for r in caplog.records if getattr(r, "event", {}).get("model") == "token"]
    assert tokens and tokens[0]["object_id"] == str(user.pk)
