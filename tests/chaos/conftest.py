"""The chaos suite: the real server (gunicorn, production settings, several workers) on a
PostgreSQL cluster of the suite's own, driven over loopback HTTP while faults are injected.

Every scenario is bounded in time and traffic and records its figures; they are printed at the
end of the run and written to artifacts/chaos-figures.json (docs/reliability.md quotes them).
Scenarios marked ``slow`` run only under ``make chaos``.
"""

import json
import os
import shutil
import signal
import subprocess
import time
from contextlib import contextmanager
from pathlib import Path

import psycopg
import pytest

from tests.chaos.client import Api
from tests.chaos.cluster import Cluster, bindir, free_port
from tests.wms.helpers import GUNICORN, PROJECT, http, project_env, run_manage, run_snippet

pytestmark = pytest.mark.postgres

DATABASE = "wms_rel_chaos"
# Servers of the suite listen on loopback ports from CHAOS_PORT_BASE to +49 when it is set;
# unset, each server takes a free port, so two runs on one machine never meet.
PORT_BASE = int(os.environ["CHAOS_PORT_BASE"]) if os.environ.get("CHAOS_PORT_BASE") else None
FIGURES: dict[str, dict] = {}
FIGURES_FILE = PROJECT / "artifacts" / "chaos-figures.json"


def pytest_collection_modifyitems(config, items):
    here = Path(__file__).parent
    missing = None
    if bindir() is None:
        missing = "needs the PostgreSQL server binaries (initdb, pg_ctl) for a cluster of its own"
    elif not shutil.which("runuser") and os.geteuid() == 0:
        missing = "needs runuser to start PostgreSQL as the postgres user"
    for item in items:
        if here in Path(item.fspath).parents:
            item.add_marker(pytest.mark.chaos)
            item.add_marker(pytest.mark.postgres)
            if missing:
                item.add_marker(pytest.mark.skip(reason=missing))


def record(scenario: str, **figures) -> None:
    """Keep a scenario's figures for the run's summary."""
    FIGURES[scenario] = figures


def pytest_terminal_summary(terminalreporter):
    if not FIGURES:
        return
    terminalreporter.section("chaos figures")
    for scenario, figures in FIGURES.items():
        shown = ", ".join(f"{k}={v}" for k, v in figures.items())
        terminalreporter.write_line(f"{scenario}: {shown}")
    FIGURES_FILE.parent.mkdir(parents=True, exist_ok=True)
    FIGURES_FILE.write_text(json.dumps(FIGURES, indent=2) + "\n")


@pytest.fixture(scope="session")
def cluster():
    made = Cluster().create()
    try:
        with psycopg.connect(made.url("postgres"), autocommit=True) as admin:
            admin.execute(f"CREATE DATABASE {DATABASE}")
        yield made
    finally:
        made.remove()


def server_env(cluster, tmp_path, **overrides) -> dict:
    """Production settings (DEBUG off, a strong key), plain HTTP on loopback, 1 + 1 pool."""
    return loopback_env(cluster.url(DATABASE), tmp_path / "metrics", **overrides)


def loopback_env(database_url: str, metrics_dir, **overrides) -> dict:
    """Production settings (DEBUG off, a strong key), plain HTTP on loopback, 1 + 1 pool."""
    settings = dict(
        DATABASE_URL=database_url,
        ALLOWED_HOSTS="127.0.0.1,localhost",
        SECURE_SSL_REDIRECT="False",
        SESSION_COOKIE_SECURE="False",
        CSRF_COOKIE_SECURE="False",
        # The load comes from one address; the limiter is tried by the abuse checks instead.
        RATE_LIMIT_PER_MINUTE="0",
        DB_POOL_SIZE="1",
        DB_MAX_OVERFLOW="1",
        PROMETHEUS_MULTIPROC_DIR=str(metrics_dir),
    )
    return project_env(**{**settings, **overrides})


@pytest.fixture(scope="session")
def world(cluster, tmp_path_factory):
    """The migrated database with a manager's and a clerk's token, two warehouses, products."""
    env = server_env(cluster, tmp_path_factory.mktemp("setup"))
    migrated = run_manage("migrate", "--no-input", env=env, timeout=300)
    assert migrated.returncode == 0, migrated.stderr[-3000:]
    return run_snippet(
        """
from django.contrib.auth.models import Group, Permission
from wms.tokens import api_token_create
from wms.roles import CLERK, MANAGER, sync_roles
from django.contrib.auth import get_user_model
from inventory.models import Product
from warehouses.models import Warehouse
sync_roles(Group, Permission)
User = get_user_model()
tokens = {}
for name, group in (("chaos-manager", MANAGER), ("chaos-clerk", CLERK)):
    user = User.objects.create_user(name, password="chaos-pw-" + name, is_staff=True)
    user.groups.add(Group.objects.get(name=group))
    tokens[name] = api_token_create(user=user)
warehouses = [Warehouse.objects.create(code=f"W{i}", name=f"Warehouse {i}").pk for i in (1, 2)]
products = [Product.objects.create(sku=f"P{i:03}", name=f"Product {i}").pk for i in range(12)]
print(json.dumps({"manager": tokens["chaos-manager"], "clerk": tokens["chaos-clerk"],
                  "warehouses": warehouses, "products": products}))
""",
        env=env,
    )


class Server:
    def __init__(self, port, env, workers, log_dir, extra_args=()):
        self.port, self.env, self.workers, self.extra_args = port, env, workers, extra_args
        self.url = f"http://127.0.0.1:{port}"
        self.out, self.err = log_dir / "gunicorn.out", log_dir / "gunicorn.err"
        self.process = None

    def start(self, timeout: float = 30) -> "Server":
        with self.out.open("a") as out, self.err.open("a") as err:
            self.process = subprocess.Popen(
                [
                    GUNICORN,
                    "--config",
                    "gunicorn.conf.py",
                    "--bind",
                    f"127.0.0.1:{self.port}",
                    *self.extra_args,
                ],
                cwd=PROJECT,
                env={**self.env, "WEB_CONCURRENCY": str(self.workers)},
                stdout=out,
                stderr=err,
            )
        deadline = time.monotonic() + timeout
        while True:
            try:
                if http("GET", self.url + "/healthz", timeout=2)[0] == 200:
                    return self
            except OSError:
                pass
            assert self.process.poll() is None, self.logs()[-3000:]
            assert time.monotonic() < deadline, "gunicorn did not start"
            time.sleep(0.2)

    def logs(self) -> str:
        return self.err.read_text() + self.out.read_text()

    def worker_pids(self) -> list[int]:
        return [
            int(entry)
            for entry in os.listdir("/proc")
            if entry.isdigit() and _ppid(int(entry)) == self.process.pid
        ]

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=35)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def _ppid(pid: int):
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return int(stat.read().rsplit(")", 1)[1].split()[1])
    except (OSError, ValueError, IndexError):
        return None


_next_port = [PORT_BASE]


def next_port() -> int:
    if PORT_BASE is None:
        return free_port()
    port = _next_port[0]
    _next_port[0] = PORT_BASE + (port - PORT_BASE + 1) % 50
    return port


@pytest.fixture
def start_server(cluster, world, tmp_path):
    """Start a gunicorn (3 workers unless told) on the next port of the suite's range."""
    started = []

    def start(workers: int = 3, extra_args=(), **overrides) -> Server:
        port = next_port()
        server = Server(
            port, server_env(cluster, tmp_path, **overrides), workers, tmp_path, extra_args
        )
        started.append(server)
        return server.start()

    yield start
    for server in started:
        server.stop()


@pytest.fixture
def server(start_server):
    return start_server()


@pytest.fixture
def manager(server, world) -> Api:
    return Api(server.url, world["manager"])


class Database:
    """Direct reads of the chaos database, for checking what the server wrote; reconnects
    after a fault took its connection."""

    def __init__(self, url: str):
        self.url, self.connection = url, None

    def execute(self, sql, params=()):
        for attempt in (1, 2):
            try:
                if self.connection is None or self.connection.closed:
                    self.connection = psycopg.connect(self.url, autocommit=True)
                return self.connection.execute(sql, params)
            except psycopg.OperationalError:
                self.connection = None
                if attempt == 2:
                    raise

    def close(self):
        if self.connection is not None:
            self.connection.close()


@pytest.fixture
def db(cluster):
    database = Database(cluster.url(DATABASE))
    yield database
    database.close()


@contextmanager
def timed():
    started = time.monotonic()
    box = {}
    yield box
    box["seconds"] = round(time.monotonic() - started, 2)


def reconcile(cluster, tmp_path) -> tuple[int, str]:
    result = run_manage("reconcile_stock", env=server_env(cluster, tmp_path), timeout=120)
    return result.returncode, result.stdout + result.stderr
