"""A real streaming replica (pg_basebackup -R) serves the reads that may be a little behind, and a
client never reads older than its own write (docs/api.md, "Read-your-writes")."""

import json
import re
import time
import uuid

import pytest

from tests.chaos.cluster import Cluster
from tests.topology.conftest import DATABASE, PG_PORT, api
from tests.topology.web import admin_login, call, cookie_value

pytestmark = [pytest.mark.topology, pytest.mark.postgres]

MAX_LAG = 3


@pytest.fixture(scope="module")
def replica(primary, world):
    made = Cluster(PG_PORT + 1).create_standby(primary)
    try:
        made.ready()
        wait_caught_up(primary, made)
        yield made
    finally:
        made.remove()


def wait_caught_up(primary, replica, timeout=30):
    target = primary.psql("SELECT pg_current_wal_lsn()::text")[0]
    deadline = time.monotonic() + timeout
    while replica.psql(f"SELECT pg_last_wal_replay_lsn() >= '{target}'::pg_lsn")[0] is not True:
        assert time.monotonic() < deadline, "the replica did not catch up"
        time.sleep(0.1)


def metric(server, name: str, labels: str = "") -> float:
    """A counter's value on the instance's /metrics, summed over its series (or one series)."""
    text = api(server).get("/metrics").body
    series = re.escape("{" + labels + "}") if labels else r"(?:\{[^}]*\})?"
    return sum(float(v) for v in re.findall(rf"^{name}_total{series} (\S+)$", text, re.M))


def skipped(server, reason: str) -> float:
    return metric(server, "wms_db_replica_skipped", f'reason="{reason}"')


def skus(client) -> set[str]:
    answer = client.get("/api/v1/products/?page_size=500")
    assert answer.status == 200, answer
    return {row["sku"] for row in answer.body["results"]}


def insert_product(primary, sku: str) -> None:
    """A row written on the primary behind the API's back: no client has it as its own write."""
    primary.psql(
        "INSERT INTO products (sku, name, description, unit, price, tracking, is_active,"
        f" created_at, updated_at) SELECT '{sku}', 'marker', '', unit, price, tracking, true,"
        " now(), now() FROM products WHERE sku = 'T000'",
        DATABASE,
    )


@pytest.fixture
def replicated(primary, replica, start_server):
    server = start_server(
        primary.url(DATABASE),
        DATABASE_REPLICA_URL=replica.url(DATABASE),
        DB_REPLICA_MAX_LAG=str(MAX_LAG),
        DB_REPLICA_RETRY="1",
    )
    yield server
    replica.psql("SELECT pg_wal_replay_resume()")


def test_reads_go_to_the_replica_and_a_writer_reads_its_own_writes(
    primary, replica, replicated, world
):
    writer, other = (api(replicated, token) for token in world["tokens"][:2])
    before = metric(replicated, "wms_db_replica_reads")
    assert skus(other) >= {"T000"}
    assert metric(replicated, "wms_db_replica_reads") > before

    # Replay paused: the replica holds everything before this point, nothing after.
    insert_product(primary, f"SEEN-{uuid.uuid4().hex[:6]}")
    wait_caught_up(primary, replica)
    replica.psql("SELECT pg_wal_replay_pause()")
    marker = f"ONLY-PRIMARY-{uuid.uuid4().hex[:6]}"
    insert_product(primary, marker)
    created = writer.post("/api/v1/products/", {"sku": f"RYW-{uuid.uuid4().hex[:6]}", "name": "x"})
    assert created.status == 201, created
    position = created.headers["x-wms-lsn"]
    assert re.fullmatch(r"[0-9A-F]+/[0-9A-F]+", position)

    # Another client is served by the (paused) replica: it sees neither row...
    assert marker not in skus(other)
    assert created.body["sku"] not in skus(other)
    # ...the writer reads its own write at once (the primary), and so does anyone who sends
    # the writer's position back, on any connection.
    assert created.body["sku"] in skus(writer)
    assert writer.get(f"/api/v1/products/{created.body['id']}/").status == 200
    assert created.body["sku"] in {
        row["sku"]
        for row in other.get(
            "/api/v1/products/?page_size=500", headers={"X-WMS-LSN": position}
        ).body["results"]
    }
    assert skipped(replicated, "behind_client") >= 2


def test_an_admin_session_reads_its_own_writes(primary, replica, replicated, world):
    cookies = admin_login(replicated.url, "topo-b", "topology-pw-topo-b")
    session = {"Cookie": cookies}
    insert_product(primary, f"SEEN-{uuid.uuid4().hex[:6]}")
    wait_caught_up(primary, replica)
    replica.psql("SELECT pg_wal_replay_pause()")
    sku = f"SESSION-{uuid.uuid4().hex[:6]}"
    status, headers, _ = call(
        replicated.url,
        "POST",
        "/api/v1/products/",
        body=json.dumps({"sku": sku, "name": "made in the admin's session"}),
        headers={
            **session,
            "Content-Type": "application/json",
            "X-CSRFToken": cookie_value(cookies, "csrftoken"),
            "Referer": replicated.url + "/admin/",
        },
    )
    assert status == 201 and headers["X-WMS-LSN"]
    # The same session sees it at once, in the API and in the admin's changelist...
    status, _, text = call(
        replicated.url, "GET", "/api/v1/products/?page_size=500", headers=session
    )
    assert status == 200 and sku in {row["sku"] for row in json.loads(text)["results"]}
    status, _, text = call(
        replicated.url, "GET", f"/admin/inventory/product/?q={sku}", headers=session
    )
    assert status == 200 and sku in text
    # ...another client, on the paused replica, does not yet.
    assert sku not in skus(api(replicated, world["tokens"][2]))


def test_the_dashboard_changelists_and_exports_read_from_the_replica(replicated, world):
    """A reader's admin pages (the CSV export streams with a server-side cursor) on the replica."""
    cookies = admin_login(replicated.url, "topo-c", "topology-pw-topo-c")
    pages = [
        "/admin/",
        "/admin/inventory/warehouseinventory/",
        "/admin/inventory/stockmovement/",
        "/admin/inventory/warehouseinventory/export/",
    ]
    for page in pages:
        reads = metric(replicated, "wms_db_replica_reads")
        status, headers, text = call(replicated.url, "GET", page, headers={"Cookie": cookies})
        assert status == 200, (page, status, text[-500:])
        assert metric(replicated, "wms_db_replica_reads") > reads, page
    assert headers["Content-Type"].startswith("text/csv")


def test_a_lagging_replica_is_skipped_and_used_again_when_it_catches_up(
    primary, replica, replicated, world
):
    other = api(replicated, world["tokens"][2])
    insert_product(primary, f"SEEN-{uuid.uuid4().hex[:6]}")
    wait_caught_up(primary, replica)
    replica.psql("SELECT pg_wal_replay_pause()")
    marker = f"LAG-{uuid.uuid4().hex[:6]}"
    insert_product(primary, marker)
    time.sleep(MAX_LAG + 1)
    # More than MAX_LAG behind: the read goes to the primary, which has the marker.
    assert marker in skus(other)
    assert skipped(replicated, "lag") >= 1
    assert "Read replica skipped (lag)" in replicated.logs()

    replica.psql("SELECT pg_wal_replay_resume()")
    wait_caught_up(primary, replica)
    reads = metric(replicated, "wms_db_replica_reads")
    assert marker in skus(other)
    assert metric(replicated, "wms_db_replica_reads") > reads


def test_a_replica_that_stopped_receiving_is_skipped_once_behind_the_limit(
    primary, replica, replicated, world
):
    """Its own figures say it is current (nothing received is left to replay); the newest write
    of any client, which it has not replayed, says otherwise."""
    writer, other = (api(replicated, token) for token in world["tokens"][:2])
    conninfo = replica.psql("SHOW primary_conninfo")[0]
    replica.psql("ALTER SYSTEM SET primary_conninfo = ''")
    replica.psql("SELECT pg_reload_conf()")
    try:
        deadline = time.monotonic() + 20
        while replica.psql("SELECT count(*) FROM pg_stat_wal_receiver")[0]:
            assert time.monotonic() < deadline, "the replica kept receiving"
            time.sleep(0.2)
        sku = f"CUT-{uuid.uuid4().hex[:6]}"
        assert writer.post("/api/v1/products/", {"sku": sku, "name": "x"}).status == 201
        assert sku not in skus(other)  # within the limit: the replica still serves others
        time.sleep(MAX_LAG + 1)
        lagged = skipped(replicated, "lag")
        assert sku in skus(other)  # past it: the primary
        assert skipped(replicated, "lag") > lagged
    finally:
        escaped = conninfo.replace("'", "''")
        replica.psql(f"ALTER SYSTEM SET primary_conninfo = '{escaped}'")
        replica.psql("SELECT pg_reload_conf()")
    wait_caught_up(primary, replica)


def test_a_stopped_replica_costs_no_error(primary, replica, replicated, world):
    other = api(replicated, world["tokens"][2])
    replica.stop("fast")
    try:
        for _ in range(5):
            answer = other.get("/api/v1/products/?page_size=5")
            assert answer.status == 200, answer
            assert answer.elapsed < 3
        assert api(replicated).get("/health").status == 200
        assert skipped(replicated, "down") >= 1
        assert "Read replica skipped (down)" in replicated.logs()
    finally:
        replica.start()
    wait_caught_up(primary, replica)
    deadline = time.monotonic() + 20
    reads = metric(replicated, "wms_db_replica_reads")
    while metric(replicated, "wms_db_replica_reads") <= reads:
        assert time.monotonic() < deadline, "the replica was not used again"
        assert other.get("/api/v1/products/?page_size=5").status == 200
        time.sleep(0.5)


def test_postings_never_touch_the_replica(primary, replica, replicated, world):
    """A posting's reads and locks run on the primary even while the replica is stopped."""
    writer = api(replicated, world["tokens"][0])
    replica.stop("fast")
    try:
        warehouse, product = world["warehouses"][0], world["products"][0]
        body = {
            "doc_type": "receipt",
            "warehouse": warehouse,
            "lines": [{"product": product, "quantity": 3}],
        }
        draft = writer.post("/api/v1/documents/", body)
        assert draft.status == 201, draft
        posted = writer.post(f"/api/v1/documents/{draft.body['id']}/post/")
        assert posted.status == 200, posted
    finally:
        replica.start()
