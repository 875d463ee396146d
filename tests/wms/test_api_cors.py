"""CORS: browsers on CORS_ORIGINS may call the API and read X-Request-ID and Retry-After."""

import json
import os
import subprocess
import sys

import pytest

pytestmark = pytest.mark.django_db

SHOP = "https://shop.example"
URL = "/api/v1/products/"


@pytest.fixture(autouse=True)
def shop_allowed(settings):
    settings.CORS_ALLOWED_ORIGINS = [SHOP]


def test_an_allowed_origin_may_read_the_answer(clerk_api):
    response = clerk_api.get(URL, HTTP_ORIGIN=SHOP)
    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == SHOP
    exposed = {h.strip().lower() for h in response["Access-Control-Expose-Headers"].split(",")}
    assert {"x-request-id", "retry-after"} <= exposed


def test_another_origin_is_refused(clerk_api):
    response = clerk_api.get(URL, HTTP_ORIGIN="https://evil.example")
    assert "Access-Control-Allow-Origin" not in response


def test_a_preflight_allows_tokens_and_idempotency_keys(client):
    response = client.options(
        URL,
        HTTP_ORIGIN=SHOP,
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="POST",
        HTTP_ACCESS_CONTROL_REQUEST_HEADERS="authorization, content-type, idempotency-key",
    )
    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == SHOP
    allowed = {h.strip() for h in response["Access-Control-Allow-Headers"].split(",")}
    assert {"authorization", "content-type", "idempotency-key"} <= allowed


def test_a_refused_preflight_carries_no_permission(client):
    response = client.options(
        URL, HTTP_ORIGIN="https://evil.example", HTTP_ACCESS_CONTROL_REQUEST_METHOD="POST"
    )
    assert "Access-Control-Allow-Origin" not in response


def test_a_429_is_readable_by_the_browser(client, settings):
    settings.RATE_LIMIT_PER_MINUTE = 1
    client.get(URL, HTTP_ORIGIN=SHOP)
    response = client.get(URL, HTTP_ORIGIN=SHOP)
    assert response.status_code == 429
    assert response["Access-Control-Allow-Origin"] == SHOP


def test_paths_outside_the_api_get_no_cors(client):
    response = client.get("/admin/login/", HTTP_ORIGIN=SHOP)
    assert "Access-Control-Allow-Origin" not in response


def load_settings(**env):
    """The CORS settings as config/settings.py derives them from these variables."""
    script = (
        "import json, django; django.setup(); from django.conf import settings as s\n"
        "print(json.dumps([s.CORS_ALLOWED_ORIGINS, getattr(s, 'CORS_ALLOW_ALL_ORIGINS', False)]))"
    )
    environment = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings", **env}
    return subprocess.run(
        [sys.executable, "-c", script], env=environment, capture_output=True, text=True
    )


@pytest.mark.parametrize(
    "value",
    [
        '["https://yourdomain.com","https://app.yourdomain.com"]',
        "https://yourdomain.com, https://app.yourdomain.com",
    ],
)
def test_cors_origins_as_a_json_list_or_comma_separated(value):
    done = load_settings(CORS_ORIGINS=value, DEBUG="False")
    assert json.loads(done.stdout) == [
        ["https://yourdomain.com", "https://app.yourdomain.com"],
        False,
    ]


def test_no_origins_by_default():
    done = load_settings(CORS_ORIGINS="", DEBUG="False")
    assert json.loads(done.stdout) == [[], False]


def test_a_wildcard_is_refused_unless_debug():
    refused = load_settings(CORS_ORIGINS="*", DEBUG="False")
    assert refused.returncode != 0
    assert "CORS_ORIGINS='*' is allowed only with DEBUG=True" in refused.stderr
    assert json.loads(load_settings(CORS_ORIGINS="*", DEBUG="True").stdout) == [[], True]
