"""Delivery to a real HTTP receiver: signed, once per event however many workers, retried with
the same webhook-id, and only to addresses allowed."""

import base64
import hashlib
import hmac
import json
import socket
import threading
import time
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from documents.services import document_cancel
from integrations.delivery import claim, deliver, deliver_due
from integrations.models import Delivery, DeliveryStatus, OutboxEvent, Subscription
from integrations.services import subscription_rotate_secret
from tests.concurrency import run_concurrently
from tests.factories import ProductFactory
from tests.integrations.conftest import subscribe
from tests.integrations.receiver import Receiver
from tests.support.documents import post

pytestmark = pytest.mark.django_db


def verify(secret: str, received) -> bool:
    """What a receiver does with the Standard Webhooks libraries, written out."""
    key = base64.b64decode(secret.removeprefix("whsec_"))
    signed = f"{received.headers['webhook-id']}.{received.headers['webhook-timestamp']}."
    expected = hmac.new(key, signed.encode() + received.body, hashlib.sha256).digest()
    for entry in received.headers["webhook-signature"].split():
        version, _, given = entry.partition(",")
        if version == "v1" and hmac.compare_digest(base64.b64decode(given), expected):
            return True
    return False


def run_worker():
    call_command("webhook_worker", "--once")


def make_due():
    """Time passes: every retry is due now."""
    Delivery.objects.filter(status=DeliveryStatus.PENDING).update(next_attempt_at=timezone.now())


def test_a_posting_reaches_the_receiver_signed_with_the_subscriptions_secret(warehouse, product):
    with Receiver() as receiver:
        subscription = subscribe(receiver.url)
        document = post("receipt", warehouse, [(product, 5)])
        run_worker()

    [received] = receiver.received
    assert received.path == "/hooks"
    assert verify(subscription.secret, received)
    assert abs(int(received.headers["webhook-timestamp"]) - time.time()) < 60
    assert received.headers["content-type"] == "application/json"
    body = json.loads(received.body)
    assert body["type"] == "document.posted"
    assert body["data"]["id"] == document.pk
    event = OutboxEvent.objects.get()
    assert received.headers["webhook-id"] == f"msg_{event.uuid.hex}"
    delivery = Delivery.objects.get()
    assert delivery.status == DeliveryStatus.DELIVERED
    assert (delivery.attempts, delivery.response_code) == (1, 200)
    assert delivery.latency_ms is not None and delivery.delivered_at is not None
    # Delivered once; the next run finds nothing due.
    run_worker()
    assert len(receiver.received) == 1


def test_a_signature_made_with_another_secret_does_not_verify(warehouse, product):
    with Receiver() as receiver:
        subscription = subscribe(receiver.url)
        post("receipt", warehouse, [(product, 5)])
        run_worker()
    forged = subscription.secret[:-8] + "AAAAAAA="
    assert verify(subscription.secret, receiver.received[0])
    assert not verify(forged, receiver.received[0])


def test_fails_three_times_then_succeeds_exactly_once_more_with_the_same_id(warehouse, product):
    with Receiver(statuses=[500, 503, 400]) as receiver:
        subscribe(receiver.url)
        post("receipt", warehouse, [(product, 5)])
        run_worker()
        delivery = Delivery.objects.get()
        # The first retry comes within seconds, not at once (plus the attempt's own time).
        wait = (delivery.next_attempt_at - delivery.last_attempt_at).total_seconds()
        assert 2.5 <= wait <= 6
        run_worker()
        assert len(receiver.received) == 1  # not due yet
        for _ in range(5):
            make_due()
            run_worker()

    assert [r.headers["webhook-id"] for r in receiver.received] == [receiver.ids()[0]] * 4
    assert len({r.body for r in receiver.received}) == 1  # the same bytes every time
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.response_code) == ("delivered", 4, 200)
    subscription = delivery.subscription
    assert subscription.consecutive_failures == 0 and subscription.last_failure_at is not None


def test_backoff_grows_exponentially_with_jitter(warehouse, product):
    with Receiver(statuses=[500] * 6) as receiver:
        subscribe(receiver.url)
        post("receipt", warehouse, [(product, 5)])
        waits = []
        for _ in range(6):
            run_worker()
            delivery = Delivery.objects.get()
            waits.append((delivery.next_attempt_at - delivery.last_attempt_at).total_seconds())
            make_due()
    ceilings = [5, 10, 20, 40, 80, 160]
    # Each wait is drawn from [ceiling / 2, ceiling], after the attempt's own time.
    assert all(c / 2 <= w <= c + 1 for w, c in zip(waits, ceilings, strict=True)), waits
    assert len(receiver.received) == 6


def test_after_a_day_of_failures_the_delivery_is_given_up_and_the_failures_show(
    warehouse, product, manager_api
):
    with Receiver(statuses=[500] * 3) as receiver:
        subscription = subscribe(receiver.url)
        post("receipt", warehouse, [(product, 5)])
        run_worker()
        make_due()
        OutboxEvent.objects.update(created_at=timezone.now() - timedelta(hours=24, seconds=1))
        run_worker()
    delivery = Delivery.objects.get()
    assert delivery.status == DeliveryStatus.FAILED
    assert delivery.next_attempt_at is None
    shown = manager_api.get(f"/api/v1/webhooks/{subscription.pk}/").json()
    assert shown["consecutive_failures"] == 2
    log = manager_api.get(f"/api/v1/webhooks/{subscription.pk}/deliveries/").json()["results"]
    assert [(d["status"], d["attempts"], d["response_code"]) for d in log] == [("failed", 2, 500)]
    # And it can be paused.
    paused = manager_api.patch(f"/api/v1/webhooks/{subscription.pk}/", {"is_active": False})
    assert paused.json()["is_active"] is False


def test_a_paused_subscription_gets_nothing_until_resumed(warehouse, product):
    with Receiver() as receiver:
        subscription = subscribe(receiver.url)
        post("receipt", warehouse, [(product, 5)])
        Subscription.objects.update(is_active=False)
        run_worker()
        assert receiver.received == []
        Subscription.objects.update(is_active=True)
        run_worker()
    assert len(receiver.received) == 1
    assert subscription.deliveries.get().status == DeliveryStatus.DELIVERED


def test_a_redirect_is_not_followed(warehouse, product):
    with Receiver(statuses=[302]) as receiver:
        subscribe(receiver.url)
        post("receipt", warehouse, [(product, 5)])
        run_worker()
    assert len(receiver.received) == 1
    delivery = Delivery.objects.get()
    assert (delivery.status, delivery.response_code) == ("pending", 302)
    assert delivery.error == "The receiver answered 302."


def test_a_slow_receiver_times_out(warehouse, product, settings):
    settings.WEBHOOK_TIMEOUT_SECONDS = 0.3
    with Receiver(delay=2) as receiver:
        subscribe(receiver.url)
        post("receipt", warehouse, [(product, 5)])
        started = time.monotonic()
        run_worker()
        elapsed = time.monotonic() - started
    delivery = Delivery.objects.get()
    assert elapsed < 1.5
    assert delivery.status == DeliveryStatus.PENDING and delivery.response_code is None
    assert "timed out" in delivery.error


def test_an_unreachable_receiver_is_a_failed_attempt(warehouse, product):
    with Receiver() as receiver:
        url = receiver.url
    subscribe(url)  # nothing listens there any more
    post("receipt", warehouse, [(product, 5)])
    run_worker()
    delivery = Delivery.objects.get()
    assert delivery.status == DeliveryStatus.PENDING
    assert "ConnectionRefusedError" in delivery.error


def test_a_name_that_resolves_to_a_private_address_is_refused_at_delivery(
    warehouse, product, settings
):
    with Receiver() as receiver:
        subscribe(receiver.url.replace("127.0.0.1", "localhost"))
        post("receipt", warehouse, [(product, 5)])
        settings.WEBHOOK_ALLOW_PRIVATE_URLS = False  # as if the name now pointed inside
        run_worker()
    assert receiver.received == []
    delivery = Delivery.objects.get()
    assert delivery.status == DeliveryStatus.PENDING
    assert "webhooks go to public addresses only" in delivery.error


def test_each_subscription_gets_its_own_signature(warehouse, product):
    with Receiver() as first, Receiver() as second:
        one, two = subscribe(first.url), subscribe(second.url)
        post("receipt", warehouse, [(product, 5)])
        run_worker()
    assert verify(one.secret, first.received[0]) and verify(two.secret, second.received[0])
    assert not verify(one.secret, second.received[0])


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_workers_draining_at_once_deliver_each_event_once(warehouse):
    products = ProductFactory.create_batch(30)
    with Receiver(delay=0.02) as receiver:
        subscribe(receiver.url)
        post("receipt", warehouse, [(p, 10) for p in products])
        for p in products:
            document = post("receipt", warehouse, [(p, 1)])
        document_cancel(document_id=document.pk)
        expected = OutboxEvent.objects.count()
        assert expected == 32

        def drain() -> int:
            attempted = total = 0
            while attempted := deliver_due(limit=3):
                total += attempted
            return total

        results = run_concurrently([drain, drain])

    assert all(isinstance(r, int) and r > 0 for r in results), results  # both took part
    assert sum(results) == expected
    ids = receiver.ids()
    assert len(ids) == len(set(ids)) == expected
    assert set(Delivery.objects.values_list("status", flat=True)) == {"delivered"}


def test_a_receiver_trickling_its_answer_is_cut_off(warehouse, product, settings):
    """Each byte comes before the timeout, yet the whole exchange is bounded."""
    settings.WEBHOOK_TIMEOUT_SECONDS = 0.5
    server = socket.create_server(("127.0.0.1", 0))
    stop = threading.Event()

    def trickle():
        conn, _ = server.accept()
        with conn:
            conn.recv(65536)
            conn.sendall(b"HTTP/1.1 200 OK\r\nX-Slow: ")
            give_up = time.monotonic() + 6  # if nothing cuts it off, the test fails, not hangs
            while not stop.wait(0.1) and time.monotonic() < give_up:
                try:
                    conn.sendall(b"z")
                except OSError:
                    return

    thread = threading.Thread(target=trickle, daemon=True)
    thread.start()
    subscribe(f"http://127.0.0.1:{server.getsockname()[1]}/hooks")
    post("receipt", warehouse, [(product, 5)])
    started = time.monotonic()
    try:
        run_worker()
    finally:
        elapsed = time.monotonic() - started
        stop.set()
        thread.join(5)
        server.close()
    assert elapsed < 2.5  # twice the timeout, and some slack for a busy machine
    delivery = Delivery.objects.get()
    assert delivery.status == DeliveryStatus.PENDING
    assert delivery.response_code is None
    assert delivery.error == "TimeoutError: The receiver took more than 1 s to answer."


def test_a_delivery_whose_lease_ran_out_in_the_batch_is_left_to_its_new_worker(warehouse, product):
    """A worker's batch outlasted the claim's lease and another worker took the rest."""
    with Receiver() as receiver:
        subscribe(receiver.url)
        post("receipt", warehouse, [(product, 5)])
        post("receipt", warehouse, [(product, 5)])
        first = claim(limit=2)
        Delivery.objects.update(locked_until=timezone.now() - timedelta(seconds=1))
        second = claim(limit=2)
        assert [d.pk for d in second] == [d.pk for d in first]

        assert [deliver(d) for d in first] == [None, None]  # not sent: no longer its own
        assert receiver.received == []
        assert [deliver(d) for d in second] == ["delivered", "delivered"]
    assert len(receiver.ids()) == len(set(receiver.ids())) == 2
    assert set(Delivery.objects.values_list("attempts", flat=True)) == {1}


def test_after_a_rotation_both_secrets_sign_for_a_day(warehouse, product):
    with Receiver() as receiver:
        old = subscribe(receiver.url)
        new = subscription_rotate_secret(subscription_id=old.pk)
        post("receipt", warehouse, [(product, 5)])
        run_worker()
        Subscription.objects.update(previous_secret_until=timezone.now())
        post("receipt", warehouse, [(product, 5)])
        run_worker()
    during, after = receiver.received
    assert len(during.headers["webhook-signature"].split()) == 2
    assert verify(new.secret, during) and verify(old.secret, during)
    assert len(after.headers["webhook-signature"].split()) == 1
    assert verify(new.secret, after) and not verify(old.secret, after)
