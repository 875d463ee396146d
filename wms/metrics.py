"""The WMS's own Prometheus metrics, and the /metrics view.

HTTP request rate, errors by status and latency histograms come from django-prometheus's
middleware; query counts and durations from its database backend. Here: the connection pool and
the business counters. Under gunicorn, prometheus_client's multiprocess mode (enabled by
PROMETHEUS_MULTIPROC_DIR, see gunicorn.conf.py) sums every worker's values at scrape time.
"""

import ipaddress
import os

import prometheus_client
from django.conf import settings
from django.http import HttpResponse, JsonResponse
from django.views.decorators.http import require_GET
from prometheus_client import Counter, Gauge, Histogram, multiprocess
from rest_framework.authentication import TokenAuthentication
from rest_framework.exceptions import AuthenticationFailed

DOCUMENTS_POSTED = Counter(
    "wms_documents_posted", "Documents posted (committed), by type.", ["doc_type"]
)
POST_FAILURES = Counter(
    "wms_document_post_failures",
    "Attempts to post a document that were refused or failed, by reason.",
    ["reason"],
)
STOCK_MOVEMENTS = Counter(
    "wms_stock_movements", "Ledger movements written by postings and cancellations (committed)."
)


def document_posted(*, doc_type: str, movements: int) -> None:
    DOCUMENTS_POSTED.labels(doc_type=doc_type).inc()
    STOCK_MOVEMENTS.inc(movements)


# livesum: the pool is per worker, so the deployment's figure is the sum over live workers.
DB_POOL_CONNECTIONS = Gauge(
    "wms_db_pool_connections",
    "Connections held by the database pools, by state (in_use, idle).",
    ["alias", "state"],
    multiprocess_mode="livesum",
)
DB_POOL_MAX = Gauge(
    "wms_db_pool_max_connections",
    "Upper bound of the database pools (max_size summed over workers).",
    ["alias"],
    multiprocess_mode="livesum",
)
DB_POOL_WAIT = Histogram(
    "wms_db_pool_wait_seconds",
    "Time spent waiting for a pooled database connection.",
    buckets=(0.001, 0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30),
)


def record_pool(alias: str, pool) -> None:
    stats = pool.get_stats()
    idle = stats.get("pool_available", 0)
    DB_POOL_CONNECTIONS.labels(alias, "idle").set(idle)
    DB_POOL_CONNECTIONS.labels(alias, "in_use").set(max(stats.get("pool_size", 0) - idle, 0))
    DB_POOL_MAX.labels(alias).set(stats.get("pool_max", 0))


def _registry():
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = prometheus_client.CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        return registry
    return prometheus_client.REGISTRY


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
        found = TokenAuthentication().authenticate(request)
    except AuthenticationFailed:
        return False
    return bool(found and found[0].is_staff)


@require_GET
def metrics_view(request):
    """Prometheus text format, for addresses in METRICS_ALLOWED_IPS or a staff user's token."""
    if not (_address_allowed(request.META.get("REMOTE_ADDR", "")) or _staff_token(request)):
        return JsonResponse(
            {
                "detail": "Metrics are readable by staff tokens or from allowed addresses only.",
                "code": "permission_denied",
            },
            status=403,
        )
    return HttpResponse(
        prometheus_client.generate_latest(_registry()),
        content_type=prometheus_client.CONTENT_TYPE_LATEST,
    )
