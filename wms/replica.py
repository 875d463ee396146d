"""Read-your-writes on the read replica: which reads may go there, and the positions that decide.

A request may read from the replica when it is safe (GET/HEAD) or inside ``reporting()``, outside
any transaction on the primary, and only when the replica is healthy: reachable, behind by less
than DB_REPLICA_MAX_LAG seconds, and past the client's own last write. A client's last write is the
primary's WAL position (``pg_current_wal_lsn()``) right after its unsafe request committed,
remembered in the shared cache under the client's identity (its Authorization header or its
session) and returned in the ``X-WMS-LSN`` header; a client may send that header back on any
connection to be served at least that fresh. Otherwise the read goes to the primary, with a
metric and a log line saying why.

The lag is the replica's own (the age of its last replayed commit while it has WAL left to
replay), or, when it has not replayed the newest write any client made (also kept in the cache),
the age of that write: a replica that stopped receiving has nothing left to replay but is behind.

The replica is probed once per request that would use it (one short query on the connection the
reads then use); a replica found down is not tried again for DB_REPLICA_RETRY seconds.
"""

import contextvars
import hashlib
import logging
import re
import threading
from dataclasses import dataclass
from time import monotonic, time

from django.conf import settings
from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections

from wms import metrics

logger = logging.getLogger("wms.replica")

REPLICA = "replica"
LSN_HEADER = "X-WMS-LSN"
SAFE_METHODS = frozenset({"GET", "HEAD"})
LSN_FORMAT = re.compile(r"[0-9A-Fa-f]{1,8}/[0-9A-Fa-f]{1,8}")
# Models whose rows decide who the client is: always read from the primary, so that a token, an
# OAuth client or a session created a moment ago is known at once.
PRIMARY_ONLY_APPS = frozenset({"auth", "sessions", "oauth2_provider", "contenttypes"})
PRIMARY_ONLY_MODELS = frozenset({"wms.apitoken"})

# The lag: 0 when everything received has been replayed (an idle primary sends nothing, so the
# time since the last replayed commit says nothing then); otherwise the age of the last replayed
# commit. After a restart the receiver may report a position before the replayed one: caught up.
PROBE_SQL = """
SELECT pg_is_in_recovery(),
       COALESCE(pg_last_wal_replay_lsn(), pg_current_wal_lsn())::text,
       CASE WHEN NOT pg_is_in_recovery()
              OR pg_last_wal_receive_lsn() <= pg_last_wal_replay_lsn() THEN 0
            ELSE COALESCE(EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp()), 0)
       END
"""


def lsn_value(text: str) -> int:
    high, low = text.split("/")
    return (int(high, 16) << 32) + int(low, 16)


def replica_configured() -> bool:
    return REPLICA in settings.DATABASES


@dataclass
class ReadContext:
    """What the current request (or ``reporting()`` block) allows."""

    client: str | None = None
    min_lsn: int = 0
    decision: bool | None = None  # decided at the first read; False: the primary only


_context: contextvars.ContextVar[ReadContext | None] = contextvars.ContextVar(
    "replica_read_context", default=None
)


class _Down:
    """Per process: when the replica last failed, so that it is not tried on every request."""

    def __init__(self):
        self._lock = threading.Lock()
        self.until = 0.0

    def mark(self) -> None:
        with self._lock:
            self.until = monotonic() + settings.DB_REPLICA_RETRY

    def active(self) -> bool:
        return monotonic() < self.until


down = _Down()


def _skip(reason: str, detail: str) -> bool:
    metrics.REPLICA_SKIPPED.labels(reason=reason).inc()
    logger.warning("Read replica skipped (%s): %s; reading from the primary", reason, detail)
    return False


def _probe(min_lsn: int, newest_write: tuple[int, float] | None) -> bool:
    """Whether the replica can serve this request now; probed on its own connection."""
    from wms.backends.postgresql.base import limited_wait

    if down.active():
        metrics.REPLICA_SKIPPED.labels(reason="down").inc()
        return False
    connection = connections[REPLICA]
    try:
        with limited_wait(connection, settings.HEALTH_CHECK_TIMEOUT), connection.cursor() as cur:
            cur.execute(PROBE_SQL)
            _recovering, replay, lag = cur.fetchone()
    except DatabaseError as exc:
        down.mark()
        connection.close()
        return _skip("down", str(exc).strip().splitlines()[0] if str(exc).strip() else "error")
    lag = float(lag)
    if newest_write is not None and lsn_value(replay) < newest_write[0]:
        # It has not replayed the newest write any client made, however current it says it is
        # (a replica no longer receiving has nothing left to replay): behind since that write.
        lag = max(lag, time() - newest_write[1])
    metrics.REPLICA_LAG.set(lag)
    if lag > settings.DB_REPLICA_MAX_LAG:
        return _skip("lag", f"{lag:.1f} s behind (limit {settings.DB_REPLICA_MAX_LAG:g} s)")
    if lsn_value(replay) < min_lsn:
        metrics.REPLICA_SKIPPED.labels(reason="behind_client").inc()
        logger.info("Read replica at %s has not replayed the client's last write yet", replay)
        return False
    return True


def use_replica() -> bool:
    """Whether a read now may go to the replica (decided once per request)."""
    context = _context.get()
    if context is None or not replica_configured():
        return False
    if connections[DEFAULT_DB_ALIAS].in_atomic_block:
        return False
    if context.decision is None:
        remembered, newest_write = _remembered(context.client)
        context.decision = _probe(max(context.min_lsn, remembered), newest_write)
        if context.decision:
            metrics.REPLICA_READS.inc()
    return context.decision


class reading:
    """Within the block, reads outside a transaction may use the replica (see module doc);
    ``primary_only``: none may. A block inside another keeps the outer one's rules."""

    def __init__(self, client: str | None = None, min_lsn: int = 0, primary_only=False):
        self.context = ReadContext(client, min_lsn, False if primary_only else None)

    def __enter__(self):
        outer = _context.get()
        self._token = _context.set(outer if outer is not None else self.context)
        return _context.get()

    def __exit__(self, *exc):
        _context.reset(self._token)


# --- the client's last write ------------------------------------------------------------------


def _cache_key(client: str) -> str:
    """Per primary database too: positions of one server mean nothing on another."""
    primary = settings.DATABASES[DEFAULT_DB_ALIAS]
    where = f"{primary.get('HOST')}:{primary.get('PORT')}/{primary.get('NAME')}"
    return "wms:lsn:" + hashlib.sha256(f"{where} {client}".encode()).hexdigest()


NEWEST_WRITE = "(the newest write of any client)"


def _remembered(client: str | None) -> tuple[int, tuple[int, float] | None]:
    """The client's last write position (0: none), and the newest write of any client with
    when it was made."""
    keys = [_cache_key(NEWEST_WRITE), *([_cache_key(client)] if client else [])]
    found = cache.get_many(keys)
    mine = found.get(keys[-1]) if client else None
    newest = found.get(keys[0])
    return (lsn_value(mine) if mine else 0), ((lsn_value(newest[0]), newest[1]) if newest else None)


def remember_write(client: str | None) -> str | None:
    """The primary's WAL position now (after the client's write committed), remembered."""
    connection = connections[DEFAULT_DB_ALIAS]
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_current_wal_lsn()::text")
        position = cursor.fetchone()[0]
    value = lsn_value(position)
    if client:
        key = _cache_key(client)
        previous = cache.get(key)
        if previous is None or lsn_value(previous) < value:
            cache.set(key, position, timeout=settings.DB_REPLICA_LSN_TTL)
    newest_key = _cache_key(NEWEST_WRITE)
    newest = cache.get(newest_key)
    if newest is None or lsn_value(newest[0]) < value:
        cache.set(newest_key, (position, time()), timeout=settings.DB_REPLICA_LSN_TTL)
    return position


def client_identity(request, *, after: bool = False) -> str | None:
    """Who the client is for read-your-writes: its credentials, or its admin session."""
    authorization = request.headers.get("Authorization", "")
    if authorization:
        return "auth:" + authorization
    session = getattr(request, "session", None)
    key = session.session_key if (after and session is not None) else None
    key = key or request.COOKIES.get(settings.SESSION_COOKIE_NAME)
    return "session:" + key if key else None


class ReadYourWritesMiddleware:
    """Safe requests may read from the replica; unsafe ones record the client's WAL position."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method in SAFE_METHODS:
            sent = request.headers.get(LSN_HEADER, "")
            min_lsn = lsn_value(sent) if LSN_FORMAT.fullmatch(sent) else 0
            with reading(client_identity(request), min_lsn):
                return self.get_response(request)
        with reading(primary_only=True):
            response = self.get_response(request)
        if replica_configured() and response.status_code < 500:
            try:
                position = remember_write(client_identity(request, after=True))
            except DatabaseError:
                position = None
            if position:
                response[LSN_HEADER] = position
        return response
