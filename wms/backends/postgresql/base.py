"""Django's PostgreSQL backend with query metrics, a pool that gives up fast on an outage, and a
client-side bound on every wait for the server.

Django's pooled ``get_new_connection`` waits the pool's whole timeout for a connection. That is
right when every connection is busy (the wait is the queue), but wrong when the database is
down: every request would hang for DB_POOL_TIMEOUT, long enough for gunicorn to kill the worker
before it could answer 503. Here the wait happens in short slices; between slices, if the pool's
latest attempt to open a connection failed, the database is unreachable and the request fails at
once with an OperationalError (which ``wms.middleware`` turns into a 503).

statement_timeout and lock_timeout are enforced by the server, so they do nothing for a server
that has stopped answering (a frozen process, a hung host, a dead network path that still looks
open): a request would wait until gunicorn kills its worker. So every wait of a connection for
the server is also bounded on the client: by the statement timeout plus a margin for a query,
and by the health budget for the health check and for the pool's check of a connection before
use. A connection that overruns is closed (its protocol state is unknown) and the request gets
an OperationalError, hence a 503.
"""

import threading
from contextlib import contextmanager
from time import monotonic

import psycopg
from django.conf import settings
from django.core.signals import request_started
from django.db.backends.postgresql.psycopg_any import IsolationLevel
from django_prometheus.db.backends.postgresql import base as instrumented
from psycopg_pool import PoolTimeout

from wms import metrics

# Long enough for a healthy pool to open a connection, short enough to notice an outage quickly.
WAIT_SLICE = 0.25


class _Reachability:
    """The outcome of the latest connection attempt to each server, per process."""

    def __init__(self):
        self._lock = threading.Lock()
        self._failures: dict[tuple, str] = {}

    def record(self, key: tuple, error: Exception | None) -> None:
        with self._lock:
            if error is None:
                self._failures.pop(key, None)
            else:
                self._failures[key] = str(error).strip() or type(error).__name__

    def failure(self, key: tuple) -> str | None:
        with self._lock:
            return self._failures.get(key)


reachability = _Reachability()

# The bound on one wait for the server in this thread, seconds; None: the default (see below).
_answer_limit = threading.local()
# The servers this thread has given up waiting for since its current request started.
_given_up = threading.local()


def _forget_given_up(**kwargs) -> None:
    _given_up.servers = set()


request_started.connect(_forget_given_up, dispatch_uid="wms-forget-given-up")


@contextmanager
def answer_within(seconds: float | None):
    """Within the block, each wait of this thread's connections for the server lasts at most
    ``seconds``."""
    previous = getattr(_answer_limit, "seconds", None)
    _answer_limit.seconds = seconds
    try:
        yield
    finally:
        _answer_limit.seconds = previous


def default_answer_limit() -> float | None:
    """The server cancels a statement at DB_STATEMENT_TIMEOUT; waiting longer than that and a
    margin means the server is not answering at all."""
    statement = settings.DB_STATEMENT_TIMEOUT
    return statement + settings.DB_ANSWER_MARGIN if statement else None


def _server_key(params: dict) -> tuple:
    return (params.get("host"), str(params.get("port") or 5432), params.get("dbname"))


class TrackedConnection(psycopg.Connection):
    """A psycopg connection whose opening, as done by the pool, updates ``reachability``."""

    @classmethod
    def connect(cls, conninfo: str = "", **kwargs):
        key = _server_key(kwargs)
        try:
            connection = super().connect(conninfo, **kwargs)
        except psycopg.Error as exc:
            reachability.record(key, exc)
            raise
        reachability.record(key, None)
        return connection

    def wait(self, gen, interval=0.1, timeout=None):
        limit = getattr(_answer_limit, "seconds", None) or default_answer_limit()
        if timeout is not None or limit is None:
            return super().wait(gen, interval, timeout)
        try:
            return super().wait(gen, interval, limit)
        except psycopg.errors._WaitTimeout:
            error = psycopg.OperationalError(f"the database did not answer within {limit:g} s")
            # The server is not answering: until a new connection to it succeeds, requests that
            # need one fail at once instead of waiting a connect timeout each.
            info = self.info
            key = _server_key({"host": info.host, "port": info.port, "dbname": info.dbname})
            reachability.record(key, error)
            # Whatever this request still asks of the server fails at once: it has waited its
            # whole budget once. (Django's atomic block, leaving the failed transaction, takes a
            # new connection to restore autocommit; the pool's check of it would wait again.)
            _given_up.servers = getattr(_given_up, "servers", set()) | {key}
            # Mid-protocol: nothing more can be read or written on this connection safely.
            self.close()
            raise error from None


def acquire(pool, *, timeout: float):
    """A connection from ``pool`` within ``timeout`` seconds, or an error as soon as the database
    is known to be unreachable."""
    key = _server_key(pool.kwargs)
    started = monotonic()
    deadline = started + timeout
    try:
        failure = reachability.failure(key)
        if failure is not None and key in getattr(_given_up, "servers", ()):
            raise psycopg.OperationalError(f"the database is unreachable: {failure}")
        while True:
            try:
                # The pool checks a connection before handing it out: a ping, bounded as one.
                with answer_within(settings.HEALTH_CHECK_TIMEOUT):
                    return pool.getconn(timeout=max(min(WAIT_SLICE, deadline - monotonic()), 0.001))
            except PoolTimeout:
                failure = reachability.failure(key)
                if failure is not None:
                    raise psycopg.OperationalError(
                        f"the database is unreachable: {failure}"
                    ) from None
                if monotonic() >= deadline:
                    raise PoolTimeout(f"no free database connection within {timeout:g} s") from None
    finally:
        metrics.DB_POOL_WAIT.observe(monotonic() - started)


class DatabaseWrapper(instrumented.DatabaseWrapper):
    # Set by ``limited_wait``; None waits as long as the pool's own timeout.
    wait_limit: float | None = None

    @property
    def pool(self):
        pool = super().pool
        if pool is not None and pool.connection_class is not TrackedConnection:
            # The pool is built closed by Django: swapping the class before it opens means every
            # connection it ever makes reports its outcome.
            pool.connection_class = TrackedConnection
        return pool

    def get_new_connection(self, conn_params):
        pool = self.pool
        if pool is None:
            if self.wait_limit is not None:
                conn_params = {**conn_params, "connect_timeout": max(round(self.wait_limit), 1)}
            return super().get_new_connection(conn_params)
        # Django's pooled path, with ``acquire`` in place of the pool's single long wait.
        isolation_level = self.settings_dict["OPTIONS"].get("isolation_level")
        self.isolation_level = (
            IsolationLevel.READ_COMMITTED
            if isolation_level is None
            else IsolationLevel(isolation_level)
        )
        pool.open()
        timeout = pool.timeout if self.wait_limit is None else min(self.wait_limit, pool.timeout)
        connection = acquire(pool, timeout=timeout)
        if isolation_level is not None:
            connection.isolation_level = self.isolation_level
        metrics.record_pool(self.alias, pool)
        return connection

    def _close(self):
        super()._close()
        if self.pool is not None:
            metrics.record_pool(self.alias, self.pool)


@contextmanager
def limited_wait(connection, seconds: float):
    """Within the block, opening ``connection`` and each of its waits for the server last at
    most ``seconds`` (health checks)."""
    if not hasattr(connection, "wait_limit"):  # another backend (SQLite): nothing waits
        yield
        return
    connection.wait_limit = seconds
    try:
        with answer_within(seconds):
            yield
    finally:
        connection.wait_limit = None
