"""PostgreSQL restarted (fast, immediate), stopped for 20 s and frozen (SIGSTOP) for 40 s under
load: every answer is the application's JSON within the timeout budget (503 with Retry-After
while the database cannot serve), never HTML, never a hang past the budget; /health turns
unhealthy and is healthy again within 5 s of recovery; no worker is restarted."""

import random
import re
import threading
import time

import pytest

from tests.chaos.conftest import reconcile, record
from tests.chaos.ops import document_state, new_product

# The longest a worker may spend on one request: statement timeout 15 s + the client's margin
# 2 s, + 1 s. A client can wait longer than that: gunicorn's sync workers take one request each,
# so a request queued behind one that waits for a frozen server waits for it first, then for its
# own pooled connection's check (2 s). What it must never see is gunicorn's own timeout (30 s).
WORKER_BUDGET = 18
CLIENT_BUDGET = 30
RECOVERY = 5
# gunicorn.conf.py's access log: `... "GET /path HTTP/1.1" 503 123 17012ms [request id]`.
ACCESS_LINE = re.compile(r'" (\d{3}) \S+ (\d+)ms \[')


def worker_seconds(log: str) -> list[float]:
    """How long each request of the access log took inside its worker."""
    return [int(match[2]) / 1000 for match in ACCESS_LINE.finditer(log)]


class Traffic:
    """Posting clients, a reader and a health poller, each recording every answer."""

    def __init__(self, api, world, product):
        self.api, self.warehouse, self.product = api, world["warehouses"][0], product
        self.answers, self.posted, self.drafts = [], [], []
        self.stop = threading.Event()
        self.threads = [threading.Thread(target=self._poster) for _ in range(3)]
        self.threads += [
            threading.Thread(target=self._reader),
            threading.Thread(target=self._health),
        ]

    def __enter__(self):
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *exc):
        self.stop.set()
        for thread in self.threads:
            thread.join(timeout=60)

    def _note(self, kind, answer):
        self.answers.append((time.monotonic(), kind, answer))
        return answer

    def _poster(self):
        n = 0
        while not self.stop.is_set():
            n += 1
            body = {
                "doc_type": "receipt",
                "warehouse": self.warehouse,
                "lines": [{"product": self.product, "quantity": random.randint(1, 5)}],
            }
            created = self._note("create", self.api.post("/api/v1/documents/", body, timeout=30))
            if created.status != 201:
                time.sleep(0.2)
                continue
            document = created.body["id"]
            self.drafts.append(document)
            answer = self.api.post(f"/api/v1/documents/{document}/post/", timeout=30)
            if self._note("post", answer).status == 200:
                self.posted.append(document)

    def _reader(self):
        while not self.stop.is_set():
            self._note("read", self.api.get(f"/api/v1/stock/?product={self.product}", timeout=30))

    def _health(self):
        while not self.stop.is_set():
            self._note("health", self.api.get("/health", timeout=30))
            time.sleep(0.25)


def healthy_again(api, since: float) -> float:
    """Seconds from ``since`` to the first healthy /health."""
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if api.get("/health", timeout=5).status == 200:
            return round(time.monotonic() - since, 2)
        time.sleep(0.1)
    raise AssertionError("/health did not recover within 30 s")


FAULTS = {
    "restart-fast": lambda c: c.restart("fast"),
    "restart-immediate": lambda c: c.restart("immediate"),
    "stopped-20s": lambda c: (c.stop("fast"), time.sleep(20), c.start()),
    "frozen-40s": lambda c: (c.freeze(), time.sleep(40), c.thaw()),
}


@pytest.mark.parametrize("fault", FAULTS)
def test_the_database_fails_under_load(fault, server, manager, world, db, cluster, tmp_path):
    product = new_product(manager)
    workers = sorted(server.worker_pids())
    logged_before = server.out.stat().st_size
    with Traffic(manager, world, product) as traffic:
        time.sleep(3)
        began = time.monotonic()
        FAULTS[fault](cluster)
        ended = time.monotonic()
        recovered_in = healthy_again(manager, ended)
        time.sleep(3)
    during = [(kind, a) for t, kind, a in traffic.answers if began <= t <= ended + recovered_in]
    answers = [a for _, _, a in traffic.answers]
    statuses = [a.status for a in answers]
    unavailable = [a for kind, a in during if a.status == 503 and kind != "health"]
    not_json = [a for a in answers if a.status is not None and not a.is_json]
    no_answer = [a for a in answers if a.status is None]
    server_errors = [a for a in answers if a.status and a.status >= 500 and a.status != 503]
    slowest = max(a.elapsed for a in answers)
    with server.out.open() as access_log:
        access_log.seek(logged_before)
        in_workers = worker_seconds(access_log.read())
    health_down = [a for kind, a in during if kind == "health" and a.status == 503]
    states = [document_state(db, d) for d in traffic.drafts]
    half = [s for s in states if s[0] == "posted" and s[1] != s[2]]
    record(
        f"postgres {fault}",
        requests=len(answers),
        fault_seconds=round(ended - began, 1),
        answered_503=statuses.count(503),
        answered_200_201=statuses.count(200) + statuses.count(201),
        other_5xx=len(server_errors),
        not_json=len(not_json),
        no_answer=len(no_answer),
        slowest_s=round(slowest, 2),
        slowest_in_worker_s=round(max(in_workers), 2),
        health_unhealthy_answers=len(health_down),
        healthy_again_s=recovered_in,
        acknowledged_postings=len(traffic.posted),
        half_posted=len(half),
        workers_restarted=len(set(workers) - set(server.worker_pids())),
    )
    assert not_json == [] and server_errors == [] and no_answer == []
    assert all(a.headers.get("retry-after") for a in unavailable)
    assert {a.body["code"] for a in unavailable} <= {"database_unavailable", "database_timeout"}
    assert len(in_workers) >= len(answers) - len(no_answer)
    assert max(in_workers) < WORKER_BUDGET
    assert slowest < CLIENT_BUDGET
    if fault != "restart-fast":  # a fast restart can fall between two health probes
        assert health_down, "/health never said unhealthy"
    assert recovered_in <= RECOVERY
    assert sorted(server.worker_pids()) == workers, "a worker was restarted"
    for document in traffic.posted:
        status, lines, movements = document_state(db, document)
        assert (status, movements) == ("posted", lines)
    assert half == []
    assert reconcile(cluster, tmp_path)[0] == 0
