"""The WMS's own Prometheus metrics (the /metrics view is in wms.views).

HTTP request rate, errors by status and latency histograms come from django-prometheus's
middleware; query counts and durations from its database backend. Here: the connection pool and
what the business apps' counters share (theirs live with them: documents.metrics). Under
gunicorn, prometheus_client's multiprocess mode (enabled by PROMETHEUS_MULTIPROC_DIR, see
gunicorn.conf.py) sums every worker's values at scrape time.
"""

import atexit
import os

from prometheus_client import Counter, Gauge, Histogram, multiprocess


def start_at_zero(counter: Counter, label: str, values) -> None:
    """Create ``counter``'s series for every known value of ``label`` now, at 0.

    A series that appears only at its first event reads as "no data" to alerts and rates until
    then; a business app names its label values at start-up (its AppConfig.ready).
    """
    for value in values:
        counter.labels(**{label: value})


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

REPLICA_SKIPPED = Counter(
    "wms_db_replica_skipped",
    "Requests that would have read from the replica but read from the primary, by reason "
    "(down, lag, behind_client: the replica has not replayed the client's last write yet).",
    ["reason"],
)
REPLICA_READS = Counter(
    "wms_db_replica_reads", "Requests (or reporting blocks) whose reads the replica served."
)
REPLICA_LAG = Gauge(
    "wms_db_replica_lag_seconds",
    "The read replica's replay lag as last probed.",
    multiprocess_mode="max",
)


def record_pool(alias: str, pool) -> None:
    stats = pool.get_stats()
    idle = stats.get("pool_available", 0)
    DB_POOL_CONNECTIONS.labels(alias, "idle").set(idle)
    DB_POOL_CONNECTIONS.labels(alias, "in_use").set(max(stats.get("pool_size", 0) - idle, 0))
    DB_POOL_MAX.labels(alias).set(stats.get("pool_max", 0))


# Collectors that read their figures when /metrics is scraped (an app's rows in the database),
# added by the apps that own them.
SCRAPE_COLLECTORS: list = []


def register_scrape_collector(collector) -> None:
    SCRAPE_COLLECTORS.append(collector)


if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
    # A process's live gauges (its pool) must not outlive it. gunicorn's master drops those of its
    # workers (child_exit in gunicorn.conf.py); any other process sharing the directory, such as
    # a manage.py command run in the API's container, drops its own when it exits.
    atexit.register(lambda: multiprocess.mark_process_dead(os.getpid()))
