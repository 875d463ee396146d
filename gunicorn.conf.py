"""gunicorn settings for the WMS: `gunicorn config.wsgi` picks this file up from the project root.

Every value can be overridden on the command line; the environment sets the usual ones.
"""

import ctypes
import multiprocessing
import os
import shutil
import signal
import sys
import tempfile
from pathlib import Path

wsgi_app = "config.wsgi:application"
bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
workers = int(os.environ.get("WEB_CONCURRENCY") or (2 * multiprocessing.cpu_count() + 1))
# sync by default; "gthread" with GUNICORN_THREADS > 1 serves several requests per process (each
# thread then needs its own pooled connection: DB_POOL_SIZE + DB_MAX_OVERFLOW >= threads).
worker_class = os.environ.get("GUNICORN_WORKER_CLASS") or "sync"
threads = int(os.environ.get("GUNICORN_THREADS") or 1)
# The outermost bound of the timeout budget (docs/operations.md): the application's own
# (lock, statement, pool) are below it, so a client always gets the application's JSON answer.
timeout = int(os.environ.get("GUNICORN_TIMEOUT") or 30)
graceful_timeout = 30
keepalive = 5
# No control socket: it needs a writable home (the pod's root filesystem is read-only), and
# nothing here uses it; signals do the same job.
control_socket_disable = True
# Heartbeat files on a tmpfs: on a container's overlay disk they can stall workers into timeouts.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None

# Logs: the application's lines (with request ids) and gunicorn's own go to stderr; the access
# log, one line per request with its id and duration in milliseconds, to stdout.
accesslog = "-"
errorlog = "-"
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms [%({x-request-id}o)s]'

# Prometheus multiprocess mode: each worker writes its metrics to files in this directory and
# /metrics sums them. It must be set before any worker imports prometheus_client.
os.environ.setdefault(
    "PROMETHEUS_MULTIPROC_DIR", str(Path(tempfile.gettempdir()) / "wms-prometheus")
)


def on_starting(server):
    """Start from an empty metrics directory: files of a previous run would be counted again."""
    directory = Path(os.environ["PROMETHEUS_MULTIPROC_DIR"])
    shutil.rmtree(directory, ignore_errors=True)
    directory.mkdir(parents=True)


# prctl(2): deliver a signal to this process when its parent dies.
PR_SET_PDEATHSIG = 1


def post_fork(server, worker):
    """A worker dies with its master.

    A master killed outright (kill -9, the OOM killer) tells its workers nothing: they used to
    keep serving on the inherited socket for up to half the timeout, holding the port against a
    restarted gunicorn. The kernel now sends each worker SIGTERM (gunicorn's graceful stop: the
    request in hand is finished) the moment the master is gone.
    """
    if sys.platform.startswith("linux"):
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
        if os.getppid() != worker.ppid:  # the master died before the line above
            os.kill(os.getpid(), signal.SIGTERM)


def child_exit(server, worker):
    """Drop the live gauges of a worker that is gone (counters and histograms are kept)."""
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)
