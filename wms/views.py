"""Health endpoints, /metrics, and the last-resort error handler."""

import ipaddress
import logging
import os
import sys

import prometheus_client
from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.db import DatabaseError, connections
from django.http import HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from django.views.defaults import bad_request as django_bad_request
from django.views.defaults import server_error as django_server_error
from prometheus_client import multiprocess
from rest_framework.exceptions import AuthenticationFailed

import wms
from wms import metrics
from wms.api_errors import body_too_large_message
from wms.backends.postgresql.base import limited_wait
from wms.middleware import database_unavailable_response, is_database_unavailable
from wms.ratelimit import API_PREFIX, client_ip
from wms.tokens import HashedTokenAuthentication

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
    503 JSON; any other failure is a JSON body under /api/ (integrators parse every error body)
    and Django's own 500 page elsewhere."""
    exc = sys.exc_info()[1]
    if exc is not None and is_database_unavailable(exc):
        return database_unavailable_response(exc)
    if request.path.startswith(API_PREFIX):
        return JsonResponse(
            {
                "detail": "Internal server error. It has been logged with this response's "
                "X-Request-ID; quote it when reporting the problem.",
                "code": "server_error",
            },
            status=500,
        )
    return django_server_error(request)


def bad_request(request, exception):
    """handler400: what Django refuses before a view runs (a body over the limit read by a
    middleware, a suspicious request) is JSON under /api/ like every other API error."""
    if not request.path.startswith(API_PREFIX):
        return django_bad_request(request, exception)
    if isinstance(exception, RequestDataTooBig):
        return JsonResponse(
            {"detail": body_too_large_message(), "code": "body_too_large"}, status=413
        )
    return JsonResponse({"detail": "Bad request.", "code": "bad_request"}, status=400)


def _registry():
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = prometheus_client.CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        return registry
    return prometheus_client.REGISTRY


def _scrape_time_registry():
    registry = prometheus_client.CollectorRegistry(auto_describe=False)
    for collector in metrics.SCRAPE_COLLECTORS:
        registry.register(collector)
    return registry


def allowed_networks() -> list:
    """METRICS_ALLOWED_IPS as networks (a bare address is a network of one)."""
    return [ipaddress.ip_network(net, strict=False) for net in settings.METRICS_ALLOWED_IPS]


def _address_allowed(address: str) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in allowed_networks())


def _staff_token(request) -> bool:
    try:
        found = HashedTokenAuthentication().authenticate(request)
    except AuthenticationFailed:
        return False
    return bool(found and found[0].is_staff)


@require_GET
def metrics_view(request):
    """Prometheus text format, for addresses in METRICS_ALLOWED_IPS or a staff user's token.

    The address is the client's as the rate limit decides it: behind TRUSTED_PROXIES the proxy's
    own address (often allowed, being inside the cluster) must not open metrics to the world.
    """
    if not (_address_allowed(client_ip(request)) or _staff_token(request)):
        return JsonResponse(
            {
                "detail": "Metrics are readable by staff tokens or from allowed addresses only.",
                "code": "permission_denied",
            },
            status=403,
        )
    return HttpResponse(
        prometheus_client.generate_latest(_registry())
        + prometheus_client.generate_latest(_scrape_time_registry()),
        content_type=prometheus_client.CONTENT_TYPE_LATEST,
    )
