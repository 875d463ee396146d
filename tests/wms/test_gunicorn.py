"""The real server: gunicorn with gunicorn.conf.py, two workers, on PostgreSQL, driven through
the integrator API with a manager's token."""

import json
import re
from concurrent.futures import ThreadPoolExecutor

import pytest
from prometheus_client.multiprocess import MultiProcessCollector

from tests.support.documents import make_document
from tests.wms.helpers import gunicorn, http, project_env, url_of_test_database
from wms.tokens import api_token_create

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

POSTINGS = 16


@pytest.fixture
def server(tmp_path):
    env = project_env(
        DATABASE_URL=url_of_test_database(),
        PROMETHEUS_MULTIPROC_DIR=str(tmp_path / "metrics"),
        DB_POOL_SIZE="1",
        DB_MAX_OVERFLOW="1",
        SECURE_SSL_REDIRECT="False",
        # Every request here comes from 127.0.0.1, so all of them count against one client's
        # limit (in Redis when REDIS_URL is set, else in each worker); the default 60 a minute
        # would leave these tests a few postings from a 429. The limiter still runs.
        RATE_LIMIT_PER_MINUTE="100000",
    )
    with gunicorn(tmp_path, workers=2, env=env) as running:
        yield running


@pytest.fixture
def token(manager) -> str:
    return api_token_create(user=manager)


def post_document(server, token, document, **headers):
    return http(
        "POST",
        f"{server.url}/api/v1/documents/{document.pk}/post/",
        headers={"Authorization": f"Token {token}", **headers},
    )


def scrape(server) -> str:
    status, _, body = http("GET", server.url + "/metrics")
    assert status == 200
    return body


def sample(body: str, name: str) -> float:
    match = re.search(rf"^{re.escape(name)} (\S+)$", body, re.MULTILINE)
    return float(match.group(1)) if match else 0.0


def worker_pids(server) -> set[int]:
    return {int(pid) for pid in re.findall(r"Booting worker with pid: (\d+)", server.stderr())}


def receipts_posted_by_process(metrics_dir) -> dict[int, float]:
    """wms_documents_posted_total{doc_type="receipt"} as each process wrote it, by pid.

    In multiprocess mode every process counts in files of its own, named by its pid.
    """
    posted = {}
    for path in metrics_dir.glob("counter_*.db"):
        pid = int(path.stem.removeprefix("counter_"))
        for metric in MultiProcessCollector.merge([str(path)]):
            for s in metric.samples:
                if s.name == "wms_documents_posted_total" and s.labels == {"doc_type": "receipt"}:
                    posted[pid] = s.value
    return posted


def test_metrics_count_postings_of_both_workers(server, tmp_path, token, warehouse, product):
    drafts = [make_document("receipt", warehouse, [(product, 1)]) for _ in range(POSTINGS)]

    def post(document):
        status, _, body = post_document(server, token, document)
        assert status == 200, body
        posted = json.loads(body)
        assert (posted["number"], posted["status"]) == (document.number, "posted")

    with ThreadPoolExecutor(max_workers=8) as pool:
        list(pool.map(post, drafts))

    by_process = receipts_posted_by_process(tmp_path / "metrics")
    assert set(by_process) == worker_pids(server), "both workers must have posted"
    assert len(by_process) == 2 and all(by_process.values())
    # Whichever worker answers the scrape, it reports the sum over both.
    for _ in range(4):
        body = scrape(server)
        assert sample(body, 'wms_documents_posted_total{doc_type="receipt"}') == POSTINGS
        assert sample(body, "wms_stock_movements_total") == POSTINGS
        assert sample(body, 'wms_db_pool_max_connections{alias="default"}') == 2 * 2
        assert "django_http_requests_latency_seconds_by_view_method_bucket" in body


def test_request_id_in_the_response_the_app_log_and_the_access_log(
    server, token, warehouse, product
):
    draft = make_document("receipt", warehouse, [(product, 2)])
    status, headers, _ = post_document(server, token, draft, **{"X-Request-ID": "8f3a9b2c"})
    assert status == 200
    assert headers["X-Request-ID"] == "8f3a9b2c"
    status, headers, _ = http("GET", server.url + "/no-such-page")
    assert status == 404 and re.fullmatch(r"[0-9a-f]{16}", headers["X-Request-ID"])

    app_log = [line for line in server.stderr().splitlines() if "[8f3a9b2c]" in line]
    assert [line.split(" | ", 3)[3] for line in app_log[:2]] == [
        f"Request started: POST /api/v1/documents/{draft.pk}/post/",
        f"Document {draft.number} posted (1 lines)",
    ]
    assert re.fullmatch(
        r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d \| INFO \| \[8f3a9b2c\] \| "
        r"Request completed: Status 200 in \d+ ms",
        app_log[-1],
    )
    access = [line for line in server.stdout().splitlines() if "[8f3a9b2c]" in line]
    assert len(access) == 1
    assert re.search(
        rf'"POST /api/v1/documents/{draft.pk}/post/ HTTP/1.1" 200 \d+ \d+ms \[8f3a9b2c\]',
        access[0],
    )


def test_health_and_liveness(server):
    status, _, body = http("GET", server.url + "/health")
    assert (status, body) == (
        200,
        '{"status": "healthy", "database": "connected", "version": "1.0.0"}',
    )
    assert http("GET", server.url + "/healthz")[0] == 200
