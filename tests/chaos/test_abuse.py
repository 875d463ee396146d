"""Abuse, against the real server: anonymous writes, a clerk reaching for a manager's actions,
forged admin forms, SQL and huge strings in filters and search, secrets in logs."""

import http.cookiejar
import re
import urllib.parse
import urllib.request

import pytest

from tests.chaos.client import Api
from tests.chaos.conftest import record
from tests.chaos.ops import draft, new_product, post_document, receive

WRITES = [
    ("POST", "/api/v1/products/"),
    ("PUT", "/api/v1/products/{product}/"),
    ("PATCH", "/api/v1/products/{product}/"),
    ("DELETE", "/api/v1/products/{product}/"),
    ("POST", "/api/v1/warehouses/"),
    ("PUT", "/api/v1/warehouses/{warehouse}/"),
    ("PATCH", "/api/v1/warehouses/{warehouse}/"),
    ("DELETE", "/api/v1/warehouses/{warehouse}/"),
    ("POST", "/api/v1/documents/"),
    ("PUT", "/api/v1/documents/{document}/"),
    ("PATCH", "/api/v1/documents/{document}/"),
    ("DELETE", "/api/v1/documents/{document}/"),
    ("POST", "/api/v1/documents/{document}/post/"),
    ("POST", "/api/v1/documents/{document}/cancel/"),
]

HOSTILE = [
    "' OR 1=1 --",
    "1; DROP TABLE products; --",
    '" UNION SELECT key FROM authtoken_token --',
    "%' AND pg_sleep(5) IS NULL AND '%'='",
    "x" * 3000,
]


PASSWORD = "chaos-pw-chaos-manager"  # the chaos manager's (tests/chaos/conftest.py)


def admin_session(server):
    """A browser-like client logged in to the admin as the chaos manager."""
    jar = http.cookiejar.CookieJar()
    browser = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    login = browser.open(f"{server.url}/admin/login/").read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', login).group(1)
    form = {
        "username": "chaos-manager",
        "password": PASSWORD,
        "csrfmiddlewaretoken": token,
        "next": "/admin/",
    }
    browser.open(f"{server.url}/admin/login/", urllib.parse.urlencode(form).encode())
    return browser, jar


def test_anonymous_writes_are_401_everywhere(server, manager, world):
    ids = {
        "product": world["products"][0],
        "warehouse": world["warehouses"][0],
        "document": draft(manager, "receipt", world["warehouses"][0], [(world["products"][0], 1)]),
    }
    anonymous = Api(server.url)
    answers = {
        (method, path): anonymous.call(
            method, path.format(**ids), {} if method != "DELETE" else None
        )
        for method, path in WRITES
    }
    record(
        "abuse: anonymous writes",
        endpoints=len(answers),
        answered_401=sum(a.status == 401 for a in answers.values()),
    )
    for (method, path), answer in answers.items():
        assert answer.status == 401 and answer.is_json, (method, path, answer.status)
        assert answer.headers.get("www-authenticate") == "Token"


def test_a_clerk_token_may_not_cancel_adjust_or_count(server, manager, world):
    clerk = Api(server.url, world["clerk"])
    warehouse = world["warehouses"][0]
    product = new_product(manager)
    receipt = receive(manager, warehouse, [(product, 5)])
    adjustment = draft(clerk, "adjustment", warehouse, [(product, -1)])
    count = draft(clerk, "count", warehouse, [(product, 2)])
    answers = {
        "cancel": clerk.post(f"/api/v1/documents/{receipt}/cancel/"),
        "post adjustment": post_document(clerk, adjustment),
        "post count": post_document(clerk, count),
    }
    record("abuse: clerk token", **{k: a.status for k, a in answers.items()})
    for answer in answers.values():
        assert answer.status == 403 and answer.body["code"] == "permission_denied"


def test_admin_forms_refuse_a_request_without_the_csrf_token(server, world):
    browser, jar = admin_session(server)
    assert any(c.name == "sessionid" for c in jar), "the login did not open a session"
    forged = urllib.parse.urlencode({"sku": "FORGED", "name": "Forged", "unit": "pcs"}).encode()
    try:
        browser.open(f"{server.url}/admin/inventory/product/add/", forged)
        status = 200
    except urllib.error.HTTPError as error:
        status = error.code
    record("abuse: admin form without CSRF token", status=status)
    assert status == 403


@pytest.mark.parametrize(
    "path, parameter",
    [
        ("/api/v1/products/", "sku"),
        ("/api/v1/warehouses/", "code"),
        ("/api/v1/documents/", "reference"),
        ("/api/v1/documents/", "warehouse"),
        ("/api/v1/movements/", "product"),
        ("/api/v1/stock/", "min_quantity"),
    ],
)
def test_sql_and_huge_strings_in_filters_are_400_or_nothing(server, manager, path, parameter):
    answers = [manager.get(f"{path}?{urllib.parse.urlencode({parameter: v})}") for v in HOSTILE]
    for answer in answers:
        assert answer.is_json and answer.status in (200, 400), answer
        if answer.status == 200:
            assert answer.body["results"] == []
        assert answer.elapsed < 3  # pg_sleep never ran


def test_sql_in_the_admin_search_finds_nothing(server, world):
    browser, jar = admin_session(server)
    for value in HOSTILE:
        page = browser.open(
            f"{server.url}/admin/inventory/product/?{urllib.parse.urlencode({'q': value})}"
        )
        assert page.status == 200
        assert "0 products" in page.read().decode()


def test_tokens_and_passwords_never_appear_in_the_logs(server, manager, world, cluster):
    # A password login, a wrong token, a good one and a refused write, all in the logs.
    admin_session(server)
    Api(server.url, "not-a-real-token-" + world["manager"][:8]).get("/api/v1/products/")
    manager.get("/api/v1/products/")
    Api(server.url, world["clerk"]).post("/api/v1/products/", {"sku": "x", "name": "y"})
    logs = server.logs() + cluster.log.read_text()
    secrets = [world["manager"], world["clerk"], PASSWORD]
    record(
        "abuse: secrets in logs", log_bytes=len(logs), secrets_found=sum(s in logs for s in secrets)
    )
    for secret in secrets:
        assert secret not in logs
