"""`manage.py webhook_worker` as its own process: killed mid-delivery, the event still arrives,
once more, with the same webhook-id, when a worker is back."""

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

TIMEOUT = 0.5
LEASE = 3 * TIMEOUT + 5  # integrations.delivery.lease()


def start_worker() -> subprocess.Popen:
    env = project_env(
        DATABASE_URL=url_of_test_database(),
        DB_POOL_SIZE="0",
        WEBHOOK_ALLOW_PRIVATE_URLS="True",
        WEBHOOK_TIMEOUT_SECONDS=str(TIMEOUT),
        WEBHOOK_WORKER_POLL_SECONDS="0.1",
    )
    return subprocess.Popen(
        [sys.executable, "manage.py", "webhook_worker"],
        cwd=PROJECT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def wait_until(condition, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return False


def test_a_worker_killed_mid_delivery_leaves_the_event_to_the_next_one(warehouse, product):
    with Receiver() as receiver:
        hold = receiver.hold = threading.Event()  # the first request is not answered
        subscribe(receiver.url)
        post("receipt", warehouse, [(product, 5)])  # committed: the event is in the outbox

        first = start_worker()
        try:
            assert receiver.arrived.wait(30), "the worker never called"
            first.send_signal(signal.SIGKILL)  # mid-send, before any answer
        finally:
            first.wait(10)
        receiver.hold = None
        hold.set()
        delivery = Delivery.objects.get()
        assert (delivery.status, delivery.attempts) == (DeliveryStatus.PENDING, 1)
        lease_end = delivery.locked_until.timestamp()
        assert lease_end - receiver.received[0].at <= LEASE

        second = start_worker()
        try:
            assert wait_until(lambda: len(receiver.received) == 2, timeout=LEASE + 15)
            # Not before the dead worker's lease ran out: no two workers on one delivery.
            assert receiver.received[1].at >= lease_end
            assert wait_until(
                lambda: Delivery.objects.get().status == DeliveryStatus.DELIVERED, timeout=10
            )
            time.sleep(1)  # a few more polls: nothing else goes out
        finally:
            second.send_signal(signal.SIGTERM)
            output, _ = second.communicate(timeout=15)
    assert second.returncode == 0, output
    assert "Webhook worker stopped" in output
    ids = receiver.ids()
    assert len(ids) == 2 and ids[0] == ids[1]
    assert Delivery.objects.get().attempts == 2
