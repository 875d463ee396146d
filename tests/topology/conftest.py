"""The topology suite: the WMS against the real components a deployment puts around it — a
streaming replica, PgBouncer, a TLS-only server, backups restored, instances behind haproxy —
each started by the suite on loopback and removed after (docs/operations.md describes them).

PostgreSQL clusters of the suite's own (tests.chaos.cluster) listen from TOPOLOGY_PG_PORT
(+0 primary, +1 replica, +2 TLS, +3 PgBouncer, +4 the backup drill's); gunicorn and haproxy
from TOPOLOGY_PORT_BASE (40 ports). Run with `make topology-test`.
"""

import os
import shutil
from pathlib import Path

import pytest

from tests.chaos.client import Api
from tests.chaos.cluster import Cluster, bindir
from tests.chaos.conftest import Server, loopback_env
from tests.wms.helpers import run_manage, run_snippet

# Both bases lie below Linux's ephemeral range (32768-60999): a port in it can be taken at any
# moment by an outgoing connection of the suite running beside this one, and then a cluster
# cannot bind ("Address already in use").
PG_PORT = int(os.environ.get("TOPOLOGY_PG_PORT", "25450"))
PORT_BASE = int(os.environ.get("TOPOLOGY_PORT_BASE", "18160"))
DATABASE = "wms_topology"


def missing_binaries() -> str | None:
    if bindir() is None:
        return "needs the PostgreSQL server binaries (initdb, pg_ctl) for clusters of its own"
    if os.geteuid() == 0 and not shutil.which("runuser"):
        return "needs runuser to start PostgreSQL as the postgres user"
    return None


def pytest_collection_modifyitems(config, items):
    missing = missing_binaries()
    here = Path(__file__).parent
    for item in items:
        if here in Path(item.fspath).parents and missing:
            item.add_marker(pytest.mark.skip(reason=missing))


def require(program: str) -> str:
    """The path of ``program``, or a skip saying which package provides it."""
    found = shutil.which(program) or (
        f"/usr/sbin/{program}" if os.path.exists(f"/usr/sbin/{program}") else None
    )
    if found is None:
        pytest.skip(f"needs {program} (apt-get install {program}; .ci/run installs it)")
    return found


_next = [0]


def next_port() -> int:
    port = PORT_BASE + _next[0] % 40
    _next[0] += 1
    return port


def server_env(tmp_path, database_url: str, **overrides) -> dict:
    """The chaos suite's production settings on loopback, with the run's Redis (REDIS_URL)."""
    return loopback_env(database_url, tmp_path / f"metrics-{_next[0]}", **overrides)


WORLD = """
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from wms.roles import MANAGER, sync_roles
from inventory.models import Product
from warehouses.models import Warehouse
from wms.tokens import api_token_create
sync_roles(Group, Permission)
User = get_user_model()
tokens = []
for name in ("topo-a", "topo-b", "topo-c"):
    user = User.objects.create_user(name, password="topology-pw-" + name, is_staff=True)
    user.groups.add(Group.objects.get(name=MANAGER))
    tokens.append(api_token_create(user=user))
warehouses = [Warehouse.objects.create(code=f"T{i}", name=f"Topology {i}").pk for i in (1, 2)]
products = [Product.objects.create(sku=f"T{i:03}", name=f"Topology {i}").pk for i in range(4)]
print(json.dumps({"tokens": tokens, "warehouses": warehouses, "products": products}))
"""


def migrate_and_populate(env: dict) -> dict:
    migrated = run_manage("migrate", "--no-input", env=env, timeout=300)
    assert migrated.returncode == 0, migrated.stderr[-3000:]
    return run_snippet(WORLD, env=env, timeout=120)


@pytest.fixture(scope="session")
def primary():
    made = Cluster(PG_PORT).create()
    try:
        made.psql(f"CREATE DATABASE {DATABASE}")
        yield made
    finally:
        made.remove()


@pytest.fixture(scope="session")
def world(primary, tmp_path_factory) -> dict:
    env = server_env(tmp_path_factory.mktemp("world"), primary.url(DATABASE))
    return migrate_and_populate(env)


@pytest.fixture
def start_server(tmp_path):
    """gunicorn (2 workers unless told) on the suite's next port; stopped after the test."""
    started = []

    def start(database_url: str, workers: int = 2, **overrides) -> Server:
        env = server_env(tmp_path, database_url, **overrides)
        server = Server(next_port(), env, workers, tmp_path)
        started.append(server)
        return server.start(timeout=60)

    yield start
    for server in started:
        server.stop()


def api(server, token: str | None = None) -> Api:
    return Api(server.url, token)
