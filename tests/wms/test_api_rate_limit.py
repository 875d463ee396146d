"""RATE_LIMIT_PER_MINUTE per client IP on the API: a JSON 429 with Retry-After, shared counters."""

import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.test import RequestFactory
from rest_framework.test import APIClient

from tests.ratelimit_windows import wait_for_a_fresh_window
from wms.ratelimit import client_ip

pytestmark = pytest.mark.django_db

URL = "/api/v1/products/"
needs_redis = pytest.mark.skipif(
    not settings.REDIS_URL, reason="needs Redis: set REDIS_URL to count across processes"
)


@pytest.fixture
def limit_of_3(settings):
    settings.RATE_LIMIT_PER_MINUTE = 3


def hit(n, ip="192.0.2.1", url=URL, **headers):
    wait_for_a_fresh_window(ip, margin=2)
    client = APIClient(REMOTE_ADDR=ip)
    return [client.get(url, **headers) for _ in range(n)]


def test_the_request_over_the_limit_is_a_429_with_retry_after(limit_of_3):
    *allowed, refused = hit(4)
    assert [r.status_code for r in allowed] == [401, 401, 401]  # counted even before auth
    assert refused.status_code == 429
    assert refused["Content-Type"] == "application/json"
    retry_after = int(refused["Retry-After"])
    assert 1 <= retry_after <= 60
    assert refused.json() == {
        "detail": (
            f"Too many requests: at most 3 a minute per client. Retry in {retry_after} seconds."
        ),
        "code": "rate_limited",
    }


def test_clients_are_counted_apart(limit_of_3):
    hit(4, ip="192.0.2.1")
    assert hit(1, ip="192.0.2.2")[0].status_code == 401


@pytest.mark.parametrize("path", ["/health", "/healthz", "/metrics", "/admin/login/"])
def test_paths_outside_the_api_are_never_limited(limit_of_3, path):
    hit(4)
    assert all(r.status_code != 429 for r in hit(5, url=path))


def test_zero_turns_limiting_off(settings):
    settings.RATE_LIMIT_PER_MINUTE = 0
    assert all(r.status_code == 401 for r in hit(70))


def test_a_forged_forwarded_for_from_an_untrusted_client_is_ignored(limit_of_3):
    wait_for_a_fresh_window("192.0.2.1", margin=2)
    responses = [
        APIClient(REMOTE_ADDR="192.0.2.1").get(URL, HTTP_X_FORWARDED_FOR=f"198.51.100.{n}")
        for n in range(4)
    ]
    assert responses[-1].status_code == 429


def test_behind_a_trusted_proxy_each_forwarded_client_counts_apart(limit_of_3, settings):
    settings.TRUSTED_PROXIES = ["10.0.0.0/8"]
    proxy = APIClient(REMOTE_ADDR="10.0.0.1")
    wait_for_a_fresh_window("203.0.113.5", margin=2)
    for _ in range(3):
        proxy.get(URL, HTTP_X_FORWARDED_FOR="203.0.113.5")
    assert proxy.get(URL, HTTP_X_FORWARDED_FOR="203.0.113.5").status_code == 429
    assert proxy.get(URL, HTTP_X_FORWARDED_FOR="203.0.113.6").status_code == 401


@pytest.mark.parametrize(
    "remote, forwarded, expected",
    [
        ("192.0.2.1", "", "192.0.2.1"),
        ("192.0.2.1", "203.0.113.5", "192.0.2.1"),  # not a trusted proxy: header ignored
        ("10.0.0.1", "", "10.0.0.1"),
        ("10.0.0.1", "203.0.113.5", "203.0.113.5"),
        ("10.0.0.1", "6.6.6.6, 203.0.113.5, 10.0.0.2", "203.0.113.5"),  # the client wrote 6.6.6.6
        ("10.0.0.1", "10.0.0.3, 10.0.0.2", "10.0.0.3"),  # only proxies: the farthest one
        ("10.0.0.1", "203.0.113.5, unknown", "10.0.0.1"),  # a malformed hop
        ("10.0.0.1", "2001:db8::1", "2001:db8::1"),
    ],
)
def test_client_ip(settings, remote, forwarded, expected):
    settings.TRUSTED_PROXIES = ["10.0.0.0/8"]
    request = RequestFactory().get("/", REMOTE_ADDR=remote, HTTP_X_FORWARDED_FOR=forwarded)
    assert client_ip(request) == expected


def test_an_unreachable_cache_lets_requests_through(limit_of_3, settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens on port 1
            "OPTIONS": {"SOCKET_CONNECT_TIMEOUT": 0.5, "IGNORE_EXCEPTIONS": True},
        }
    }
    assert [r.status_code for r in hit(5)] == [401] * 5


@needs_redis
def test_every_process_counts_in_the_same_redis(limit_of_3):
    wait_for_a_fresh_window("127.0.0.1")
    # Another process, as another gunicorn worker or instance would be, spends two requests.
    script = (
        "import django; django.setup()\n"
        "from django.test import Client\n"
        "client = Client(HTTP_HOST='localhost')\n"
        "for _ in range(2): print(client.get('/api/v1/products/').status_code)\n"
    )
    env = {**os.environ, "RATE_LIMIT_PER_MINUTE": "3", "DJANGO_SETTINGS_MODULE": "config.settings"}
    done = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True
    )
    assert done.stdout.split() == ["401", "401"]

    client = APIClient()  # 127.0.0.1 as well
    assert client.get(URL).status_code == 401
    assert client.get(URL).status_code == 429
