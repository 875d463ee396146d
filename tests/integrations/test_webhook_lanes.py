"""One receiver that hangs to the timeout delays no other: `manage.py webhook_worker` sends to
each subscription in its own lane. Real receivers, a real worker process, PostgreSQL."""

import signal
import subprocess
import sys
import threading
import time

import pytest

from integrations.models import Delivery, DeliveryStatus
from tests.integrations.conftest import subscribe
from tests.integrations.receiver import Receiver
from tests.support.documents import post
from tests.wms.helpers import PROJECT, project_env, url_of_test_database

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

TIMEOUT = 3.0  # the hanging receiver costs this (twice, connect and read, at most) per delivery
EVENTS = 6


def start_worker(heartbeat) -> subprocess.Popen:
    env = project_env(
        DATABASE_URL=url_of_test_database(),
        WEBHOOK_ALLOW_PRIVATE_URLS="True",
        WEBHOOK_TIMEOUT_SECONDS=str(TIMEOUT),
        WEBHOOK_WORKER_POLL_SECONDS="0.05",
        WEBHOOK_CONCURRENCY="4",
    )
    return subprocess.Popen(
        [sys.executable, "manage.py", "webhook_worker", "--heartbeat", str(heartbeat)],
        cwd=PROJECT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def latencies(fast: Receiver, warehouse, product, first: int) -> list[float]:
    """Post EVENTS documents one by one; seconds from each commit to its arrival at ``fast``."""
    sent = []
    for n in range(EVENTS):
        sent.append(time.time())
        post("receipt", warehouse, [(product, 1)])
        deadline = time.monotonic() + 4 * TIMEOUT * EVENTS
        while len(fast.received) < first + n + 1 and time.monotonic() < deadline:
            time.sleep(0.01)
        time.sleep(0.2)
    arrived = [r.at for r in fast.received[first : first + EVENTS]]
    assert len(arrived) == EVENTS, "the fast receiver missed deliveries"
    return [a - s for a, s in zip(arrived, sent, strict=True)]


def test_a_hanging_receiver_does_not_delay_a_fast_one(warehouse, product, tmp_path):
    with Receiver() as fast, Receiver() as hanging:
        hanging.hold = threading.Event()  # never answered: every send runs into the timeout
        subscribe(fast.url)
        worker = start_worker(tmp_path / "alive")
        try:
            post("receipt", warehouse, [(product, 1)])  # the worker is up once this arrives
            assert fast.arrived.wait(30), "the worker never called"
            alone = latencies(fast, warehouse, product, first=1)
            subscribe(hanging.url)
            beside = latencies(fast, warehouse, product, first=1 + EVENTS)
            assert hanging.received, "the hanging receiver was never called"
            # The loop went on turning (the compose healthcheck reads this file's age)
            assert time.time() - (tmp_path / "alive").stat().st_mtime < 2
        finally:
            worker.send_signal(signal.SIGTERM)
            output, _ = worker.communicate(timeout=4 * TIMEOUT + 10)
    print(f"fast receiver alone: {[round(x, 2) for x in alone]} s")
    print(f"beside a hanging one: {[round(x, 2) for x in beside]} s")
    # Unchanged: well under one timeout of the hanging receiver, and close to the fast
    # receiver's own latency alone (a busy machine adds some noise, never a whole timeout).
    assert max(beside) < TIMEOUT / 2, (alone, beside)
    assert max(beside) < max(alone) + 1.0, (alone, beside)
    assert worker.returncode == 0, output
    pending = Delivery.objects.filter(subscription__url=hanging.url).exclude(
        status=DeliveryStatus.DELIVERED
    )
    assert pending.exists()  # its deliveries wait for their retries, on their own
