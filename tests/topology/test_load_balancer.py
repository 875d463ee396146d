"""Two gunicorn instances behind a real haproxy on loopback: one rate limit, one admin session,
nothing acknowledged lost when an instance dies, and proxy headers believed only from the proxy
(TRUSTED_PROXIES names the address haproxy connects from, 127.0.0.2)."""

import json
import os
import random
import signal
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest

from tests.chaos.ops import new_product
from tests.ratelimit_windows import wait_for_a_fresh_window
from tests.topology.components import Haproxy
from tests.topology.conftest import DATABASE, api, next_port, require
from tests.topology.web import admin_login, call
from tests.wms.helpers import strong_key

pytestmark = [pytest.mark.topology, pytest.mark.postgres]

PROXY_SOURCE = "127.0.0.2"


@pytest.fixture
def balanced(start_server):
    """Two instances with ``settings`` behind haproxy: (haproxy, [instances])."""
    proxies = []

    def start_pair(database_url, **settings):
        # One SECRET_KEY for all instances: a session signed by one is checked by the other.
        common = {"TRUSTED_PROXIES": PROXY_SOURCE, "SECRET_KEY": strong_key(), **settings}
        instances = [start_server(database_url, workers=2, **common) for _ in range(2)]
        proxy = Haproxy(require("haproxy"), next_port(), [s.port for s in instances])
        proxies.append(proxy)
        proxy.start()
        wait_both_up(proxy)
        return proxy, instances

    yield start_pair
    for proxy in proxies:
        proxy.stop()


def wait_both_up(proxy, timeout=30):
    deadline = time.monotonic() + timeout
    seen = set()
    while seen != {"app0", "app1"}:
        assert time.monotonic() < deadline, f"haproxy saw only {seen}: {proxy.log()[-2000:]}"
        status, headers, _ = call(proxy.url, "GET", "/healthz")
        if status == 200:
            seen.add(headers.get("X-Served-By"))
        time.sleep(0.1)


def test_one_rate_limit_one_session_and_proxy_headers_only_from_the_proxy(primary, world, balanced):
    proxy, (first, second) = balanced(
        primary.url(DATABASE),
        RATE_LIMIT_PER_MINUTE="10",
        SECURE_SSL_REDIRECT="True",
        SECURE_PROXY_SSL_HEADER="HTTP_X_FORWARDED_PROTO,https",
        METRICS_ALLOWED_IPS="127.0.0.1",
    )
    # The rate limit is counted in Redis: ten requests spread over both instances exhaust it
    # on both, and the client's address is the one haproxy saw, not one it claims.
    client = f"127.0.0.{random.randint(10, 250)}"
    wait_for_a_fresh_window(client, margin=5)
    served, statuses = set(), []
    for _ in range(10):
        status, headers, _ = call(
            proxy.url,
            "GET",
            "/api/v1/warehouses/",
            source=client,
            headers={"X-Forwarded-For": "198.51.100.7"},
        )
        statuses.append(status)
        served.add(headers.get("X-Served-By"))
    assert statuses == [401] * 10 and served == {"app0", "app1"}
    limited = set()
    for _ in range(4):
        status, headers, _ = call(proxy.url, "GET", "/api/v1/warehouses/", source=client)
        assert status == 429
        limited.add(headers.get("X-Served-By"))
    assert limited == {"app0", "app1"}

    # X-Forwarded-Proto: believed from the proxy (no redirect to HTTPS), ignored from anyone
    # else, who is redirected like any plain HTTP request.
    assert call(proxy.url, "GET", "/admin/login/")[0] == 200
    forged = call(first.url, "GET", "/admin/login/", headers={"X-Forwarded-Proto": "https"})
    assert forged[0] == 301 and forged[1]["Location"].startswith("https://")
    # X-Forwarded-For: /metrics is for 127.0.0.1 only; a client elsewhere cannot claim it.
    assert call(proxy.url, "GET", "/metrics")[0] == 200
    claimed = {"X-Forwarded-For": "127.0.0.1"}
    assert call(proxy.url, "GET", "/metrics", source="127.0.0.5", headers=claimed)[0] == 403
    assert call(first.url, "GET", "/metrics", source="127.0.0.5", headers=claimed)[0] == 403

    # An admin session started through one instance is valid on both.
    cookies = admin_login(proxy.url, "topo-a", "topology-pw-topo-a", https=True)
    served = set()
    for _ in range(6):
        status, headers, text = call(proxy.url, "GET", "/admin/", headers={"Cookie": cookies})
        assert status == 200 and "Log out" in text, (status, dict(headers), cookies)
        served.add(headers.get("X-Served-By"))
    assert served == {"app0", "app1"}


CLIENTS, DOCUMENTS = 6, 8


def test_killing_an_instance_under_posting_load_loses_nothing_acknowledged(
    primary, world, balanced
):
    proxy, (victim, _survivor) = balanced(primary.url(DATABASE))
    token = world["tokens"][1]
    product = new_product(api(victim, token))
    warehouse = world["warehouses"][1]
    acknowledged, retried, half = [], [0], threading.Event()

    def until_answered(method, path, body, key):
        headers = {
            "Authorization": f"Token {token}",
            "Content-Type": "application/json",
            "Idempotency-Key": key,
        }
        deadline = time.monotonic() + 90
        while True:
            status, _, text = call(proxy.url, method, path, headers=headers, body=body)
            if status in (200, 201):
                return json.loads(text)
            assert status in (None, 409, 502, 503, 504), (status, text)
            assert status != 409 or "key_in_flight" in text, text
            assert time.monotonic() < deadline, "no answer within 90 s"
            retried[0] += 1
            time.sleep(0.2)

    def client(number):
        for _ in range(DOCUMENTS):
            lines = [{"product": product, "quantity": 1}]
            body = json.dumps({"doc_type": "receipt", "warehouse": warehouse, "lines": lines})
            key = f"lb-{uuid.uuid4().hex}"
            made = until_answered("POST", "/api/v1/documents/", body, key + "-draft")
            until_answered("POST", f"/api/v1/documents/{made['id']}/post/", None, key)
            acknowledged.append(made["id"])
            if len(acknowledged) >= CLIENTS * DOCUMENTS // 3:
                half.set()

    with ThreadPoolExecutor(CLIENTS) as pool:
        running = [pool.submit(client, n) for n in range(CLIENTS)]
        assert half.wait(120)
        for pid in [*victim.worker_pids(), victim.process.pid]:
            os.kill(pid, signal.SIGKILL)
        for future in running:
            future.result()

    assert len(acknowledged) == CLIENTS * DOCUMENTS
    ids = ",".join(map(str, acknowledged))
    posted, movements = primary.psql(
        f"SELECT count(*) FILTER (WHERE status = 'posted'),"
        f" (SELECT count(*) FROM stock_movements WHERE document_id IN ({ids}))"
        f" FROM documents WHERE id IN ({ids})",
        DATABASE,
    )
    # Each posted once: one movement per document, the stock their sum.
    assert (posted, movements) == (len(acknowledged), len(acknowledged))
    stock = primary.psql(
        f"SELECT quantity FROM warehouse_inventory WHERE warehouse_id = {warehouse}"
        f" AND product_id = {product}",
        DATABASE,
    )
    assert stock == (len(acknowledged),)
    drafts = primary.psql(
        f"SELECT count(*) FROM document_lines WHERE product_id = {product}", DATABASE
    )
    assert drafts == (len(acknowledged),), "a retried create made a second document"
    print(f"retries after the kill: {retried[0]}")
