"""Health endpoints and the last-resort error handler."""

import logging
import sys

from django.conf import settings
from django.db import DatabaseError, connections
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from django.views.defaults import server_error as django_server_error

import wms
from wms.backends.postgresql.base import limited_wait
from wms.middleware import database_unavailable_response, is_database_unavailable

logger = logging.getLogger(__name__)


def database_reachable(alias: str = "default") -> bool:
    """SELECT 1 on ``alias`` within HEALTH_CHECK_TIMEOUT seconds."""
    connection = connections[alias]
    try:
        with limited_wait(connection, settings.HEALTH_CHECK_TIMEOUT):
            with connection.cursor() as cursor:
                cursor.execute("SELECT 1")
                cursor.fetchone()
    except DatabaseError as exc:
        logger.warning("Health check: database %r unreachable: %s", alias, exc)
        return False
    return True


@never_cache
@require_GET
def health(request):
    """Readiness: 200 when the database answers, 503 when it does not. No authentication."""
    if database_reachable():
        return JsonResponse(
            {"status": "healthy", "database": "connected", "version": wms.__version__}
        )
    return JsonResponse(
        {"status": "unhealthy", "database": "disconnected", "version": wms.__version__},
        status=503,
    )


@never_cache
@require_GET
def healthz(request):
    """Liveness: the process serves requests. Touches nothing else, so a database outage does
    not get healthy workers restarted."""
    return JsonResponse({"status": "alive", "version": wms.__version__})


def server_error(request):
    """handler500: a database outage that escaped the views (say, in a middleware) is still a
    503 JSON; anything else is Django's own 500 page."""
    exc = sys.exc_info()[1]
    if exc is not None and is_database_unavailable(exc):
        return database_unavailable_response(exc)
    return django_server_error(request)
