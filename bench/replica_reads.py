"""What a streaming replica takes off the primary: API reads a second, and where they ran.

    .venv/bin/python bench/replica_reads.py [--clients 8] [--seconds 20] [--port 55465]

Makes a primary (initdb) and a replica (pg_basebackup -R) of its own on --port and --port + 1,
migrates and fills the primary (2 warehouses, 500 products, 200 posted receipts), then runs the
same read load (stock, movements, documents and product lists, GET with a token) against one
gunicorn (2 workers, on --http-port) twice: on the primary alone, then with DATABASE_REPLICA_URL.
For each it prints requests a second, and the transactions each server ran
(pg_stat_database.xact_commit). Both servers share this machine's cores, so the figure that
carries over to real hardware is the share of reads the primary no longer runs, not the
requests a second.
"""

import argparse
import json
import os
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.chaos.cluster import Cluster  # noqa: E402
from tests.chaos.conftest import Server  # noqa: E402
from tests.topology.conftest import migrate_and_populate, server_env  # noqa: E402
from tests.wms.helpers import run_snippet  # noqa: E402

DATABASE = "wms_bench_replica"
PATHS = ["/api/v1/stock/", "/api/v1/movements/", "/api/v1/documents/", "/api/v1/products/"]
FILL = """
from documents.services import LineInput, document_create, document_post
from django.contrib.auth import get_user_model
from inventory.models import Product
from warehouses.models import Warehouse
user = get_user_model().objects.get(username="topo-a")
warehouses = list(Warehouse.objects.all())
products = Product.objects.bulk_create(
    Product(sku=f"B{i:04}", name=f"Bench {i}") for i in range(500)
)
for n in range(200):
    lines = [LineInput(product_id=products[(n * 5 + k) % 500].pk, quantity=3) for k in range(5)]
    document = document_create(
        doc_type="receipt", warehouse_id=warehouses[n % 2].pk, lines=lines, created_by=user
    )
    document_post(document_id=document.pk, user=user)
print(json.dumps({"ok": True}))
"""


def commits(cluster: Cluster) -> int:
    return cluster.psql(f"SELECT xact_commit FROM pg_stat_database WHERE datname = '{DATABASE}'")[0]


def load(url: str, token: str, clients: int, seconds: float) -> int:
    done, stop = [0], time.monotonic() + seconds

    def client(number):
        i = number
        while time.monotonic() < stop:
            request = urllib.request.Request(
                url + PATHS[i % len(PATHS)] + "?page_size=50",
                headers={"Authorization": f"Token {token}"},
            )
            with urllib.request.urlopen(request, timeout=30) as response:
                json.load(response)
            done[0] += 1
            i += 1

    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return done[0]


def measure(label, primary, replica, env, token, args, tmp) -> None:
    server = Server(args.http_port, env, 2, tmp).start(timeout=60)
    try:
        load(server.url, token, args.clients, 3)  # warm up
        time.sleep(1.5)  # let the counters of the warm-up reach pg_stat_database
        before = commits(primary), commits(replica)
        done = load(server.url, token, args.clients, args.seconds)
        time.sleep(1.5)
        after = commits(primary), commits(replica)
    finally:
        server.stop()
    on_primary, on_replica = after[0] - before[0], after[1] - before[1]
    print(
        f"{label:>16}: {done / args.seconds:7.1f} requests/s; transactions on the primary "
        f"{on_primary}, on the replica {on_replica}"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--port", type=int, default=55465, help="PostgreSQL: this and the next")
    parser.add_argument("--http-port", type=int, default=18190, help="gunicorn")
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="wms-bench-replica-"))
    primary = Cluster(args.port).create()
    replica = None
    try:
        primary.psql(f"CREATE DATABASE {DATABASE}")
        env = server_env(tmp, primary.url(DATABASE), RATE_LIMIT_PER_MINUTE="0")
        world = migrate_and_populate(env)
        run_snippet(FILL, env=env, timeout=600)
        replica = Cluster(args.port + 1).create_standby(primary)
        replica.ready()
        token = world["tokens"][0]
        print(f"{args.clients} clients, {args.seconds:g} s, {os.cpu_count()} cores")
        measure("primary only", primary, replica, env, token, args, tmp)
        with_replica = {**env, "DATABASE_REPLICA_URL": replica.url(DATABASE)}
        measure("with the replica", primary, replica, with_replica, token, args, tmp)
    finally:
        if replica is not None:
            replica.remove()
        primary.remove()


if __name__ == "__main__":
    main()
