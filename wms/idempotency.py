"""Idempotency-Key: a retried POST replays its first response instead of acting twice.

The key is claimed by inserting its row at the start of the request's transaction, and the
response is stored in that row before the transaction commits, so the key and the effect exist
together or not at all. A request that ends in an error leaves no key: retrying it with the same
key simply tries again. A refused request (a 4xx: the service changed nothing) keeps what the
service wrote about the refusal, such as a failed posting's record, exactly as without a key;
any other error rolls everything back.

A request whose key is still in flight (its first request has not finished) is answered at once
with 409 `key_in_flight` and Retry-After, as Stripe does: it must not hold a worker waiting for
the first one. On PostgreSQL the key is taken with a transaction-level advisory lock that is
tried, never waited for; SQLite has a single writer, so two requests are never in flight there.
"""

import functools
import hashlib
import json
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, transaction
from django.http import Http404
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter
from rest_framework.exceptions import APIException, ValidationError
from rest_framework.response import Response

from wms.db import delete_in_batches
from wms.exceptions import DomainError
from wms.models import IdempotencyKey

HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"
MAX_KEY_LENGTH = 255

PARAMETER = OpenApiParameter(
    HEADER,
    str,
    OpenApiParameter.HEADER,
    description=(
        "Any unique string up to 255 visible ASCII characters (a UUID is a good choice). "
        "A retry with the same key and body replays the first response, with the header "
        "`Idempotent-Replayed: true`, instead of acting again. Kept at least 24 hours."
    ),
    pattern=r"^[\x21-\x7e]{1,255}$",
)


# What the API answers with a 4xx: the request was refused before or instead of acting.
REFUSALS = (
    DomainError,
    APIException,
    DjangoValidationError,
    PermissionDenied,
    ObjectDoesNotExist,
    Http404,
)


class KeyReused(DomainError):
    code = "key_reused"
    status_code = 422


class KeyInFlight(DomainError):
    code = "key_in_flight"
    retry_after = 1


def ttl() -> timedelta:
    return timedelta(hours=settings.IDEMPOTENCY_KEY_TTL_HOURS)


def idempotent(handler):
    """Make a view's POST handler honour the Idempotency-Key header."""

    @functools.wraps(handler)
    def wrapper(view, request, *args, **kwargs):
        key = request.headers.get(HEADER)
        if key is None:
            return handler(view, request, *args, **kwargs)
        if not (0 < len(key) <= MAX_KEY_LENGTH and all("!" <= c <= "~" for c in key)):
            raise ValidationError(
                {HEADER: [f"Must be 1 to {MAX_KEY_LENGTH} visible ASCII characters."]}
            )
        fingerprint = _fingerprint(request)
        with transaction.atomic():
            record, fresh = _claim(request.user, key, fingerprint)
            if not fresh:
                if record.fingerprint != fingerprint:
                    raise KeyReused(
                        f"The Idempotency-Key {key!r} was already used for a different request."
                    )
                return Response(
                    json.loads(record.response_body),
                    status=record.response_status,
                    headers={REPLAYED_HEADER: "true"},
                )
            try:
                response = handler(view, request, *args, **kwargs)
            except REFUSALS as exc:
                if transaction.get_connection().needs_rollback:
                    raise
                # A refused request changed nothing (a service is all or nothing) and keeps no
                # key; what the service recorded about the refusal (a failed posting) is kept,
                # as it is for a request without a key.
                record.delete()
                refusal = exc
            else:
                record.response_status = response.status_code
                record.response_body = json.dumps(response.data, cls=DjangoJSONEncoder)
                record.save(update_fields=["response_status", "response_body"])
                refusal = None
        if refusal is not None:
            raise refusal
        return response

    return wrapper


def _fingerprint(request) -> str:
    body = json.dumps(request.data, sort_keys=True, cls=DjangoJSONEncoder)
    return hashlib.sha256(f"{request.method} {request.path}\n{body}".encode()).hexdigest()


def _claim(user, key: str, fingerprint: str) -> tuple[IdempotencyKey, bool]:
    """The key's row, locked for this transaction, and whether this request is its first."""
    now = timezone.now()
    taken, fresh_id = _lock_and_insert(user, key, fingerprint, now)
    if not taken:
        raise KeyInFlight(
            f"A request with the Idempotency-Key {key!r} is still in progress; retry shortly."
        )
    if fresh_id is not None:
        record = IdempotencyKey(
            pk=fresh_id, user=user, key=key, fingerprint=fingerprint, created_at=now
        )
        record._state.adding = False
        return record, True
    # The key's first request has finished (its lock is free): replay or refuse below.
    # A key past its lifetime is free again: take it over, as if it had been purged.
    expired = IdempotencyKey.objects.filter(user=user, key=key, created_at__lt=now - ttl())
    taken_over = expired.update(
        fingerprint=fingerprint, response_status=None, response_body=None, created_at=now
    )
    record = IdempotencyKey.objects.filter(user=user, key=key).first()
    if record is None or (not taken_over and record.response_status is None):
        raise KeyInFlight(
            f"A request with the Idempotency-Key {key!r} is still in progress; retry shortly."
        )
    return record, bool(taken_over)


# PostgreSQL: the advisory lock is tried and, if taken, the key inserted unless it exists, in
# one round trip (no savepoint: ON CONFLICT does not abort the transaction). Whoever inserted
# the key before held the lock until it committed or rolled back, so a conflict here is with a
# finished request, never with one in flight.
_LOCK_AND_INSERT = """
    WITH lock AS (SELECT pg_try_advisory_xact_lock(hashtextextended(%s, 0)) AS taken),
    claimed AS (
        INSERT INTO idempotency_keys (user_id, key, fingerprint, created_at)
        SELECT %s, %s, %s, %s FROM lock WHERE lock.taken
        ON CONFLICT ON CONSTRAINT uq_idempotency_keys_user_key DO NOTHING
        RETURNING id
    )
    SELECT lock.taken, (SELECT id FROM claimed) FROM lock
"""


def _lock_and_insert(user, key: str, fingerprint: str, now) -> tuple[bool, int | None]:
    """Whether this transaction holds the key, and the id of its new row if it is the first."""
    connection = transaction.get_connection()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            lock_name = f"idempotency-key:{user.pk}:{key}"
            cursor.execute(_LOCK_AND_INSERT, [lock_name, user.pk, key, fingerprint, now])
            return cursor.fetchone()
    # SQLite has a single writer: no other request holds the key now.
    try:
        with transaction.atomic():
            record = IdempotencyKey.objects.create(
                user=user, key=key, fingerprint=fingerprint, created_at=now
            )
        return True, record.pk
    except IntegrityError:
        return True, None


def purge_expired() -> int:
    """Delete the keys past their lifetime, in batches; returns how many."""
    return delete_in_batches(IdempotencyKey.objects.filter(created_at__lt=timezone.now() - ttl()))
