"""The WMS through a real PgBouncer in transaction pooling mode (DB_PGBOUNCER=True), with more
application connections than server connections: nothing may depend on session state."""

import subprocess
import sys
import threading
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from datetime import UTC, datetime

import pytest

from tests.chaos.ops import draft, new_product, post_document, receive
from tests.integrations.receiver import Receiver
from tests.topology.components import PgBouncer
from tests.topology.conftest import DATABASE, PG_PORT, api, require, server_env
from tests.wms.helpers import PROJECT, run_manage

pytestmark = [pytest.mark.topology, pytest.mark.postgres]

SERVER_CONNECTIONS = 4
# The API suite's core cases, run unchanged with their database behind PgBouncer.
CORE_CASES = [
    "tests/documents/test_api_documents.py",
    "tests/documents/test_api_post_cancel.py",
    "tests/documents/test_concurrent_posting.py",
    "tests/documents/test_concurrent_reservations.py",
    "tests/wms/test_api_idempotency.py",
    "tests/inventory/test_api_stock.py",
    "tests/inventory/test_stock_as_of.py",
    "tests/inventory/test_api_products.py",
    "tests/integrations/test_outbox.py",
    "tests/integrations/test_webhook_worker.py",
]
# Proves that the suite catches a wrong lock order by provoking a deadlock; four server
# connections serialise the 90 operations too much for it to happen reliably.
NOT_HERE = "tests/documents/test_concurrent_reservations.py::" + (
    "test_the_same_90_operations_deadlock_once_the_quants_are_locked_in_random_order"
)


@pytest.fixture(scope="module")
def bouncer(primary, world):
    # PgBouncer refuses startup options, so the timeouts are the role's (docs/operations.md).
    primary.psql("ALTER ROLE postgres SET statement_timeout = '15s'")
    primary.psql("ALTER ROLE postgres SET lock_timeout = '3s'")
    started = PgBouncer(require("pgbouncer"), PG_PORT + 3, primary.port, SERVER_CONNECTIONS)
    try:
        yield started.start()
    finally:
        started.stop()
        primary.psql("ALTER ROLE postgres RESET ALL")


def test_the_api_suites_core_cases_pass_through_pgbouncer(bouncer, tmp_path):
    env = server_env(tmp_path, bouncer.url("wms_topology_suite"), DB_PGBOUNCER="True")
    # The suite's own test process settings (tests/environment.py): 20 connections at most.
    for name in ("SECURE_SSL_REDIRECT", "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE"):
        env.pop(name)
    env.pop("PROMETHEUS_MULTIPROC_DIR")
    for name in ("DB_POOL_SIZE", "DB_MAX_OVERFLOW"):
        env.pop(name)
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--reuse-db"]
        + ["-m", "not slow", "--deselect", NOT_HERE, *CORE_CASES],
        cwd=PROJECT,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )
    summary = result.stdout.strip().splitlines()[-1]
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert " passed" in summary and "skipped" not in summary, summary
    assert int(summary.split(" passed")[0].split()[-1]) >= 150, summary


@pytest.fixture
def stack():
    with ExitStack() as opened:
        yield opened


@pytest.fixture
def pooled_server(bouncer, start_server):
    # 4 workers x (2 + 2) = up to 16 application connections for 4 server connections.
    return start_server(
        bouncer.url(DATABASE),
        workers=4,
        DB_PGBOUNCER="True",
        DB_POOL_SIZE="2",
        DB_MAX_OVERFLOW="2",
        WEBHOOK_ALLOW_PRIVATE_URLS="True",
    )


def test_40_clients_racing_for_10_units_through_pgbouncer_never_oversell(
    bouncer, pooled_server, world, primary
):
    manager = api(pooled_server, world["tokens"][0])
    warehouse = world["warehouses"][1]
    product = new_product(manager)
    receive(manager, warehouse, [(product, 10)])
    shipments = [draft(manager, "shipment", warehouse, [(product, 1)]) for _ in range(40)]
    start = threading.Barrier(40)

    def race(document):
        start.wait()
        return post_document(manager, document, key=f"race-{document}")

    with ThreadPoolExecutor(40) as pool:
        answers = list(pool.map(race, shipments))
    statuses = [a.status for a in answers]
    assert statuses.count(200) == 10, statuses
    assert statuses.count(409) == 30, statuses
    assert {a.body["code"] for a in answers if a.status == 409} == {"insufficient_stock"}
    stock = primary.psql(
        "SELECT quantity FROM warehouse_inventory WHERE warehouse_id = "
        f"{warehouse} AND product_id = {product}",
        DATABASE,
    )
    assert stock == (0,)

    # More application connections than server connections, and never more servers than the pool.
    clients = [row for row in bouncer.show("CLIENTS") if row[2] == DATABASE]
    servers = [row for row in bouncer.show("SERVERS") if row[2] == DATABASE]
    assert len(clients) >= 8 > SERVER_CONNECTIONS >= len(servers), (clients, servers)

    # A retry with the same Idempotency-Key is the first answer again, not a second posting.
    first = answers[statuses.index(200)]
    document = shipments[statuses.index(200)]
    replay = post_document(manager, document, key=f"race-{document}")
    assert replay.status == 200 and replay.headers.get("idempotent-replayed") == "true"
    assert replay.body == first.body


def test_reserve_cancel_reads_and_the_outbox_through_pgbouncer(
    bouncer, pooled_server, world, primary, tmp_path, stack
):
    manager = api(pooled_server, world["tokens"][1])
    warehouse = world["warehouses"][0]
    product = new_product(manager)
    receiver = stack.enter_context(Receiver())
    hook = manager.post("/api/v1/webhooks/", {"url": receiver.url, "events": ["document.posted"]})
    assert hook.status == 201, hook
    outbox = "SELECT count(*) FROM webhook_outbox WHERE type = 'document.posted'"
    events = primary.psql(outbox, DATABASE)[0]
    receive(manager, warehouse, [(product, 6)])
    moment = datetime.now(UTC).isoformat().replace("+00:00", "Z")
    shipment = draft(manager, "shipment", warehouse, [(product, 4)])
    reserved = manager.post(f"/api/v1/documents/{shipment}/reserve/")
    assert reserved.status == 200, reserved
    stock = manager.get(f"/api/v1/stock/?product={product}")
    assert stock.status == 200
    assert [(r["quantity"], r["reserved"]) for r in stock.body["results"]] == [(6, 4)]
    assert post_document(manager, shipment).status == 200
    assert manager.get(f"/api/v1/stock/?product={product}").body["results"][0]["quantity"] == 2
    cancelled = manager.post(f"/api/v1/documents/{shipment}/cancel/")
    assert cancelled.status == 200, cancelled
    as_of = manager.get(f"/api/v1/stock/?product={product}&as_of={moment}")
    assert [r["quantity"] for r in as_of.body["results"]] == [6]
    assert manager.get(f"/api/v1/stock/?product={product}").body["results"][0]["quantity"] == 6
    assert manager.get("/api/v1/movements/?page_size=5").status == 200
    assert manager.get("/api/v1/documents/?page_size=5").status == 200
    assert primary.psql(outbox, DATABASE)[0] >= events + 2
    # The delivery worker claims through PgBouncer too (FOR UPDATE SKIP LOCKED, one transaction).
    worker = run_manage(
        "webhook_worker",
        "--once",
        env=server_env(
            tmp_path, bouncer.url(DATABASE), DB_PGBOUNCER="True", WEBHOOK_ALLOW_PRIVATE_URLS="True"
        ),
        timeout=120,
    )
    assert worker.returncode == 0, worker.stderr[-2000:]
    assert len(receiver.received) >= 2
    checked = run_manage(
        "check_db", env=server_env(tmp_path, bouncer.url(DATABASE), DB_PGBOUNCER="True")
    )
    assert "statement_timeout = 15s" in checked.stdout, checked.stdout + checked.stderr
