"""The real server: gunicorn with gunicorn.conf.py, two workers, on PostgreSQL."""

import re
from concurrent.futures import ThreadPoolExecutor

import pytest

from tests.conftest import make_document
from tests.wms.helpers import gunicorn, http, project_env, url_of_test_database

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

POSTINGS = 16


@pytest.fixture
def server(tmp_path):
    env = project_env(
        DATABASE_URL=url_of_test_database(),
        DJANGO_SETTINGS_MODULE="tests.wms.server_settings",
        PROMETHEUS_MULTIPROC_DIR=str(tmp_path / "metrics"),
        DB_POOL_SIZE="1",
        DB_MAX_OVERFLOW="1",
        SECURE_SSL_REDIRECT="False",
    )
    with gunicorn(tmp_path, workers=2, env=env) as running:
        yield running


def scrape(server) -> str:
    status, _, body = http("GET", server.url + "/metrics")
    assert status == 200
    return body


def sample(body: str, name: str) -> float:
    match = re.search(rf"^{re.escape(name)} (\S+)$", body, re.MULTILINE)
    return float(match.group(1)) if match else 0.0


def test_metrics_count_postings_of_both_workers(server, warehouse, product):
    drafts = [make_document("receipt", warehouse, [(product, 1)]) for _ in range(POSTINGS)]

    def post(document):
        status, _, body = http("POST", f"{server.url}/test/documents/{document.pk}/post")
        assert status == 200, body
        return re.search(r'"pid": (\d+)', body).group(1)

    with ThreadPoolExecutor(max_workers=8) as pool:
        pids = set(pool.map(post, drafts))
    assert len(pids) == 2, "both workers must have posted"

    # Whichever worker answers the scrape, it reports the sum over both.
    for _ in range(4):
        body = scrape(server)
        assert sample(body, 'wms_documents_posted_total{doc_type="receipt"}') == POSTINGS
        assert sample(body, "wms_stock_movements_total") == POSTINGS
        assert sample(body, 'wms_db_pool_max_connections{alias="default"}') == 2 * 2
        assert "django_http_requests_latency_seconds_by_view_method_bucket" in body


def test_request_id_in_the_response_the_app_log_and_the_access_log(server, warehouse, product):
    draft = make_document("receipt", warehouse, [(product, 2)])
    status, headers, _ = http(
        "POST",
        f"{server.url}/test/documents/{draft.pk}/post",
        headers={"X-Request-ID": "8f3a9b2c"},
    )
    assert status == 200
    assert headers["X-Request-ID"] == "8f3a9b2c"
    status, headers, _ = http("GET", server.url + "/no-such-page")
    assert status == 404 and re.fullmatch(r"[0-9a-f]{16}", headers["X-Request-ID"])

    app_log = [line for line in server.stderr().splitlines() if "[8f3a9b2c]" in line]
    assert [line.split(" | ", 3)[3] for line in app_log[:2]] == [
        f"Request started: POST /test/documents/{draft.pk}/post",
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
        r'"POST /test/documents/\d+/post HTTP/1.1" 200 \d+ \d+ms \[8f3a9b2c\]', access[0]
    )


def test_health_and_liveness(server):
    status, _, body = http("GET", server.url + "/health")
    assert (status, body) == (
        200,
        '{"status": "healthy", "database": "connected", "version": "1.0.0"}',
    )
    assert http("GET", server.url + "/healthz")[0] == 200
