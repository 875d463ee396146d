"""Delivering the outbox: claim due deliveries, POST them signed, record what happened.

Many workers may run on many machines, each sending to several subscriptions at once
(integrations.lanes). A worker claims a batch in a short transaction with
FOR UPDATE SKIP LOCKED (another worker skips the rows being claimed instead of waiting) and
marks each with a lease, locked_until, then commits and sends without holding a transaction
open, renewing each delivery's lease just before its send (and skipping one whose lease another
worker has taken over meanwhile). No other worker takes a leased delivery until its lease has
passed, which is longer than any send may take; a worker killed mid-send leaves a lease that
runs out, and the delivery is sent again, with the same webhook-id, by whichever worker comes
next.

Failures are retried with exponential backoff and full jitter, the first within seconds, for
WEBHOOK_RETRY_HOURS after the event; then the delivery is given up (status failed) and stays in
the subscription's log.
"""

import base64
import hashlib
import hmac
import http.client
import logging
import random
import time
from collections.abc import Collection
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F, Q
from django.utils import timezone

from integrations.events import TEST_EVENT
from integrations.models import Delivery, DeliveryCount, DeliveryStatus, Outcome, Subscription
from integrations.security import AddressNotAllowed, post
from integrations.services import SECRET_PREFIX

logger = logging.getLogger(__name__)

FIRST_RETRY_SECONDS = 5
LONGEST_WAIT_SECONDS = 3600
USER_AGENT = "WMS-Webhooks/1"


def lease() -> timedelta:
    """Longer than a send can take (integrations.security.post: twice the timeout), and a
    margin for recording its outcome."""
    return timedelta(seconds=3 * settings.WEBHOOK_TIMEOUT_SECONDS + 5)


def retry_delay(attempts: int) -> float:
    """Seconds before the next try after ``attempts`` failed ones: 5, 10, 20 ... up to an hour,
    each drawn between half and all of that (jitter spreads a recovered receiver's load)."""
    ceiling = min(FIRST_RETRY_SECONDS * 2 ** (attempts - 1), LONGEST_WAIT_SECONDS)
    return random.uniform(ceiling / 2, ceiling)


def signature(secret: str, message_id: str, timestamp: int, body: bytes) -> str:
    """Standard Webhooks: v1,<base64 HMAC-SHA256 of "id.timestamp.body">."""
    key = base64.b64decode(secret.removeprefix(SECRET_PREFIX))
    signed = f"{message_id}.{timestamp}.".encode() + body
    return "v1," + base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()


@dataclass(frozen=True)
class Attempt:
    outcome: str
    response_code: int | None
    latency_ms: int
    error: str


def claim(*, limit: int, skip_subscriptions: Collection[int] = ()) -> list[Delivery]:
    """Lease up to ``limit`` due deliveries to this worker, oldest due first (none of
    ``skip_subscriptions``: those this worker is still sending to)."""
    now = timezone.now()
    with transaction.atomic():
        ids = list(
            Delivery.objects.filter(status=DeliveryStatus.PENDING, next_attempt_at__lte=now)
            .filter(Q(locked_until__isnull=True) | Q(locked_until__lt=now))
            .filter(Q(subscription__is_active=True) | Q(event__type=TEST_EVENT))
            .exclude(subscription_id__in=skip_subscriptions)
            .order_by("next_attempt_at", "id")
            .select_for_update(skip_locked=True, of=("self",))
            .values_list("id", flat=True)[:limit]
        )
        Delivery.objects.filter(id__in=ids).update(locked_until=now + lease())
    return list(
        Delivery.objects.filter(id__in=ids)
        .select_related("event", "subscription")
        .order_by("next_attempt_at", "id")
    )


def release(deliveries: Collection[Delivery]) -> None:
    """Give back leases this worker took and will not use now (unless already taken over)."""
    for delivery in deliveries:
        Delivery.objects.filter(
            pk=delivery.pk, status=DeliveryStatus.PENDING, locked_until=delivery.locked_until
        ).update(locked_until=None)


def start(delivery: Delivery) -> bool:
    """Renew the delivery's lease for one send and count the attempt, if it is still this
    worker's: the sends before it in the batch may have outlasted the lease of the claim, and
    another worker taken it over meanwhile."""
    now = timezone.now()
    until = now + lease()
    started = Delivery.objects.filter(
        pk=delivery.pk, status=DeliveryStatus.PENDING, locked_until=delivery.locked_until
    ).update(locked_until=until, attempts=F("attempts") + 1, last_attempt_at=now)
    delivery.locked_until, delivery.attempts = until, delivery.attempts + 1
    return bool(started)


def send(delivery: Delivery) -> Attempt:
    """One signed POST of the delivery's event to its subscription's URL."""
    event, subscription = delivery.event, delivery.subscription
    body = event.body.encode()
    timestamp = int(time.time())
    headers = {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        "webhook-id": event.message_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": " ".join(
            signature(secret, event.message_id, timestamp, body)
            for secret in subscription.signing_secrets(timezone.now())
        ),
    }
    started = time.monotonic()
    code, error = None, ""
    try:
        code = post(subscription.url, body, headers, timeout=settings.WEBHOOK_TIMEOUT_SECONDS)
    except AddressNotAllowed as exc:
        outcome, error = Outcome.REFUSED, str(exc)
    except (OSError, http.client.HTTPException, ValueError) as exc:
        # ValueError: what http.client raises for a URL or header it cannot send.
        outcome, error = Outcome.FAILED, f"{type(exc).__name__}: {exc}"[:2000]
    else:
        if 200 <= code < 300:
            outcome = Outcome.DELIVERED
        else:
            outcome, error = Outcome.FAILED, f"The receiver answered {code}."
    latency_ms = round((time.monotonic() - started) * 1000)
    return Attempt(outcome, code, latency_ms, error)


def record(delivery: Delivery, attempt: Attempt) -> str:
    """Write the attempt's outcome on the delivery and its subscription; the outcome counted."""
    now = timezone.now()
    if delivery.locked_until < now:
        logger.warning("Delivery %s: its lease ran out before the answer came", delivery.pk)
    outcome = attempt.outcome
    fields = {
        "locked_until": None,
        "response_code": attempt.response_code,
        "latency_ms": attempt.latency_ms,
        "error": attempt.error,
    }
    if outcome == Outcome.DELIVERED:
        fields.update(status=DeliveryStatus.DELIVERED, delivered_at=now, next_attempt_at=None)
    elif now - delivery.event.created_at >= timedelta(hours=settings.WEBHOOK_RETRY_HOURS):
        outcome = Outcome.GAVE_UP
        fields.update(status=DeliveryStatus.FAILED, next_attempt_at=None)
    else:
        fields["next_attempt_at"] = now + timedelta(seconds=retry_delay(delivery.attempts))
    with transaction.atomic():
        # Only while the lease is still this worker's: one that ran out belongs to another.
        mine = Delivery.objects.filter(
            pk=delivery.pk, status=DeliveryStatus.PENDING, locked_until=delivery.locked_until
        ).update(**fields)
        if not mine:
            # Its lease was taken over, or the subscription deleted meanwhile.
            logger.warning("Delivery %s is no longer this worker's; not recorded", delivery.pk)
            return outcome
        subscriptions = Subscription.objects.filter(pk=delivery.subscription_id)
        if outcome == Outcome.DELIVERED:
            subscriptions.update(consecutive_failures=0, last_success_at=now)
        else:
            subscriptions.update(
                consecutive_failures=F("consecutive_failures") + 1, last_failure_at=now
            )
        _count(outcome)
    log = logger.info if outcome == Outcome.DELIVERED else logger.warning
    log(
        "Webhook %s %s to %s: %s (%s, %d ms)",
        delivery.event.type,
        delivery.event.message_id,
        delivery.subscription.url,
        outcome,
        attempt.response_code or attempt.error,
        attempt.latency_ms,
    )
    return outcome


def _count(outcome: str) -> None:
    # An upsert (PostgreSQL and SQLite alike): the first attempt of an outcome creates its row.
    table = DeliveryCount._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (outcome, total) VALUES (%s, 1) "
            f"ON CONFLICT (outcome) DO UPDATE SET total = {table}.total + 1",
            [outcome],
        )


def deliver(delivery: Delivery) -> str | None:
    """Send a claimed delivery and record the outcome; None if it is no longer this worker's."""
    if not start(delivery):
        logger.warning("Delivery %s was taken over by another worker; not sent", delivery.pk)
        return None
    return record(delivery, send(delivery))


def deliver_due(*, limit: int = 20) -> int:
    """Claim and send one batch of due deliveries; how many were claimed."""
    deliveries = claim(limit=limit)
    for delivery in deliveries:
        deliver(delivery)
    return len(deliveries)
