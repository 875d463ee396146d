"""Request ids and request logging, and 503 answers when the database cannot serve a request."""

import logging
import re
import secrets
from time import perf_counter

import psycopg
from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import JsonResponse
from psycopg_pool import PoolTimeout

from wms.audit_context import request_var
from wms.log import request_id_var

logger = logging.getLogger("wms.request")

REQUEST_ID_HEADER = "X-Request-ID"
# Taken from the client only when it cannot smuggle anything into a log line or a header.
SAFE_REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")
# Probes and scrapes arrive every few seconds; their lines would drown the rest at INFO.
QUIET_PATHS = frozenset({"/health", "/healthz", "/metrics"})

RETRY_AFTER_SECONDS = 5
# A held lock is usually released within a request's time.
LOCKED_RETRY_AFTER_SECONDS = 1


def new_request_id() -> str:
    return secrets.token_hex(8)


class RequestIdMiddleware:
    """Outermost: gives each request an id, logs its start and end, and returns the id."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        supplied = request.headers.get(REQUEST_ID_HEADER, "")
        request_id = supplied if SAFE_REQUEST_ID.fullmatch(supplied) else new_request_id()
        request.request_id = request_id
        token = request_id_var.set(request_id)
        # The audit trail reads who is acting from the request when a change is written.
        request_token = request_var.set(request)
        level = logging.DEBUG if request.path in QUIET_PATHS else logging.INFO
        started = perf_counter()
        try:
            logger.log(level, "Request started: %s %s", request.method, request.path)
            response = self.get_response(request)
            elapsed_ms = (perf_counter() - started) * 1000
            if response.status_code >= 500:
                level = logging.ERROR
            logger.log(
                level, "Request completed: Status %s in %.0f ms", response.status_code, elapsed_ms
            )
            response[REQUEST_ID_HEADER] = request_id
            return response
        finally:
            request_var.reset(request_token)
            request_id_var.reset(token)


def database_unavailable_response(exc: BaseException) -> JsonResponse:
    """The answer for a database that cannot serve this request now; the client should retry.

    A lock wait past lock_timeout is a 409 `locked`: the database is fine, another operation is
    changing the same rows. Anything else (unreachable, a statement past its timeout, every
    pooled connection busy) is a 503.
    """
    status, code, retry_after = 503, "database_unavailable", RETRY_AFTER_SECONDS
    if _caused_by(exc, PoolTimeout):
        detail = "All database connections are busy. Retry shortly."
    elif _caused_by(exc, psycopg.errors.LockNotAvailable):
        status, code, retry_after = 409, "locked", LOCKED_RETRY_AFTER_SECONDS
        detail = (
            "Another operation is changing the same records and did not finish within "
            f"{settings.DB_LOCK_TIMEOUT:g} s. Nothing was changed; retry shortly."
        )
    elif _caused_by(exc, psycopg.errors.QueryCanceled):
        code = "database_timeout"
        detail = (
            f"The database did not finish within {settings.DB_STATEMENT_TIMEOUT} s. "
            "Nothing was changed; retry shortly."
        )
    else:
        detail = "The database is unavailable. Retry shortly."
    logger.warning("Database unavailable: %s", str(exc).strip() or type(exc).__name__)
    response = JsonResponse({"detail": detail, "code": code}, status=status)
    response["Retry-After"] = str(retry_after)
    return response


def _caused_by(exc: BaseException, error_class) -> bool:
    # Django wraps the driver's errors in its own, the driver's as the cause.
    return isinstance(exc, error_class) or isinstance(exc.__cause__, error_class)


def is_database_unavailable(exc: BaseException) -> bool:
    # OperationalError covers an unreachable server, a pool timeout (wrapped by Django), a
    # statement or lock timeout and a deadlock: all mean "not now", none is the client's fault.
    return isinstance(exc, OperationalError | InterfaceError | PoolTimeout)


class DatabaseUnavailableMiddleware:
    """Turns a view's database outage, pool exhaustion or timeout into a prompt 503 JSON."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if is_database_unavailable(exception):
            return database_unavailable_response(exception)
        return None
