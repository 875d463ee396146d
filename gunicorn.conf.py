"""gunicorn settings for the WMS: `gunicorn config.wsgi` picks this file up from the project root.

Every value can be overridden on the command line; the environment sets the usual ones.
"""

import ctypes
import json
import multiprocessing
import os
import shutil
import signal
import sys
import tempfile
from pathlib import Path

from gunicorn import util

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
# Proxy headers are judged by the app alone (TRUSTED_PROXIES, wms.ratelimit): gunicorn's default
# would take X-Forwarded-Proto from any loopback client as HTTPS, whatever the settings say.
forwarded_allow_ips = ""
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
# /metrics sums them. It must be set before any worker imports prometheus_client. Unless one is
# given, each instance makes a private one (removed when it stops), so two instances on one
# machine never count, or empty, each other's files.
OWNED_METRICS_DIR = "WMS_PROMETHEUS_DIR_OWNED"
if not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(prefix="wms-prometheus-")
    os.environ[OWNED_METRICS_DIR] = "1"


def on_starting(server):
    """Start from an empty metrics directory: files of a previous run would be counted again.
    A directory given in PROMETHEUS_MULTIPROC_DIR must be this instance's alone."""
    directory = Path(os.environ["PROMETHEUS_MULTIPROC_DIR"])
    if not os.environ.get(OWNED_METRICS_DIR):
        shutil.rmtree(directory, ignore_errors=True)
    directory.mkdir(parents=True, exist_ok=True)


def on_exit(server):
    if os.environ.get(OWNED_METRICS_DIR):
        shutil.rmtree(os.environ["PROMETHEUS_MULTIPROC_DIR"], ignore_errors=True)


# What gunicorn itself refuses before the application sees the request (a request line over
# limit_request_line, 4094 bytes: 414; oversized headers: 431; a malformed request: 400) is
# answered in JSON like every API error, not gunicorn's HTML page. The request's path is not
# known at that point (it is what could not be read), so every such answer is JSON.
ERROR_CODES = {400: "bad_request", 403: "forbidden", 414: "uri_too_long", 431: "headers_too_large"}


def json_error(sock, status_int, reason, mesg):
    body = json.dumps(
        {
            "detail": f"{reason}: {mesg}" if mesg else reason,
            "code": ERROR_CODES.get(status_int, "error"),
        }
    ).encode()
    head = (
        f"HTTP/1.1 {status_int} {reason}\r\nConnection: close\r\n"
        f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n"
    )
    util.write_nonblock(sock, head.encode("latin1") + body)


util.write_error = json_error


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
