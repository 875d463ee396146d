"""Posting throughput against the raw-SQL limit, measured in the same run.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/wms_bench python bench/post_throughput.py

Each client is a process of its own that creates and posts 10-line shipments through
documents.services for --seconds, in two modes like ../shared/bench: "uniform" (a random warehouse
of 10 and 10 consecutive products of 10,000) and "hot" (every client on the same 10 rows). The
limit is pgbench running the shared SQL model of the same transaction with the same number of
clients in the same database, so the ratio holds on a noisy machine. The database is set up on the
first run (10 warehouses x 10,000 products by default: --warehouses, --products; opened by
receipts of a line per product posted through the service, which is timed too) and the lim_*
tables are dropped at the end.
"""

import argparse
import multiprocessing
import random
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django_setup import ROOT  # noqa: E402, F401 - sets Django up

from documents.services import LineInput, document_create, document_post  # noqa: E402
from inventory.exceptions import InsufficientStock  # noqa: E402
from inventory.models import Product  # noqa: E402
from warehouses.models import Warehouse  # noqa: E402

LINES, OPENING = 10, 10_000_000


def set_up(
    warehouse_count: int, product_count: int, migrate: bool = True
) -> tuple[list[int], list[int]]:
    if migrate:
        call_command("migrate", verbosity=0)
    if Warehouse.objects.filter(code__startswith="BENCH-").count() < warehouse_count:
        warehouses = Warehouse.objects.bulk_create(
            Warehouse(code=f"BENCH-{i:02d}", name=f"Bench {i}") for i in range(warehouse_count)
        )
        products = Product.objects.bulk_create(
            Product(sku=f"BENCH-{i:05d}", name=f"Bench product {i}") for i in range(product_count)
        )
        started = time.perf_counter()
        for w in warehouses:
            receipt = document_create(
                doc_type="receipt",
                warehouse_id=w.pk,
                lines=[LineInput(p.pk, OPENING) for p in products],
            )
            document_post(document_id=receipt.pk)
        took = (time.perf_counter() - started) / warehouse_count
        print(f"set-up: one {product_count:,}-line receipt created and posted in {took:.2f} s")
    warehouses = list(
        Warehouse.objects.filter(code__startswith="BENCH-").values_list("pk", flat=True)
    )
    products = list(
        Product.objects.filter(sku__startswith="BENCH-").order_by("pk").values_list("pk", flat=True)
    )
    return warehouses, products


def client(mode, warehouses, products, seconds, seed, start_at, results):
    connection.close()  # never share the parent's connection
    rng = random.Random(seed)
    done = short = 0
    while time.time() < start_at:
        time.sleep(0.001)
    deadline = start_at + seconds
    while time.time() < deadline:
        if mode == "hot":
            w, first = warehouses[0], 0
        else:
            w, first = rng.choice(warehouses), rng.randrange(len(products) - LINES)
        lines = [LineInput(p, 1) for p in products[first : first + LINES]]
        document = document_create(doc_type="shipment", warehouse_id=w, lines=lines)
        try:
            document_post(document_id=document.pk)
            done += 1
        except InsufficientStock:
            short += 1
    results.put((done, short))
    connection.close()


def run_service(mode, clients, seconds, warehouses, products) -> float:
    ctx = multiprocessing.get_context("fork")
    results = ctx.Queue()
    # A forked child must not inherit the parent's connection or its pool (their sockets and
    # the pool's threads do not survive a fork): each child opens its own.
    connection.close()
    if getattr(connection, "pool", None) is not None:
        connection.close_pool()
    start_at = time.time() + 1.0
    procs = [
        ctx.Process(target=client, args=(mode, warehouses, products, seconds, i, start_at, results))
        for i in range(clients)
    ]
    for p in procs:
        p.start()
    totals = [results.get() for _ in procs]
    for p in procs:
        p.join()
    if any(short for _, short in totals):
        print(f"  warning: {sum(s for _, s in totals)} shipments were short")
    return sum(done for done, _ in totals) / seconds


def run_limit(script: str, clients: int, seconds: int, limit_dir: Path, url: str) -> float:
    out = subprocess.run(
        [
            "pgbench",
            url,
            "-n",
            "-M",
            "prepared",
            "-c",
            str(clients),
            "-j",
            "2",
            "-T",
            str(seconds),
            "-f",
            str(limit_dir / script),
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return float(re.search(r"tps = ([\d.]+)", out).group(1))


def libpq_url() -> str:
    db = settings.DATABASES["default"]
    user = db.get("USER") or "postgres"
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    host, port = db.get("HOST") or "127.0.0.1", db.get("PORT") or 5432
    return f"postgresql://{user}{password}@{host}:{port}/{db['NAME']}"


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seconds", type=int, default=20)
    parser.add_argument("--modes", nargs="+", default=["uniform", "hot"])
    parser.add_argument("--warehouses", type=int, default=10)
    parser.add_argument("--products", type=int, default=10_000)
    parser.add_argument(
        "--limit-dir",
        type=Path,
        default=ROOT.parent / "shared" / "bench",
        help="folder with limit_schema.sql, limit_post.sql, limit_post_hot.sql",
    )
    parser.add_argument(
        "--no-migrate",
        action="store_true",
        help="Measure the schema as it is (e.g. migrated back to a plain ledger to compare).",
    )
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("Set DATABASE_URL to a PostgreSQL database: the benchmark measures PostgreSQL.")

    warehouses, products = set_up(args.warehouses, args.products, migrate=not args.no_migrate)
    url = libpq_url()
    with_limit = shutil.which("pgbench") and (args.limit_dir / "limit_schema.sql").exists()
    if with_limit:
        subprocess.run(
            ["psql", url, "-q", "-f", str(args.limit_dir / "limit_schema.sql")],
            check=True,
            capture_output=True,
        )
    else:
        print(f"no pgbench or no {args.limit_dir}/limit_schema.sql: reporting without the limit")

    print(f"{args.clients} clients x {args.seconds} s, {LINES}-line shipments, create + post")
    print(f"{'mode':<8} {'service docs/s':>15} {'limit docs/s':>13} {'ratio':>7}")
    try:
        for mode in args.modes:
            service = run_service(mode, args.clients, args.seconds, warehouses, products)
            if with_limit:
                script = "limit_post_hot.sql" if mode == "hot" else "limit_post.sql"
                limit = run_limit(script, args.clients, args.seconds, args.limit_dir, url)
                print(f"{mode:<8} {service:>15.0f} {limit:>13.0f} {service / limit:>7.1%}")
            else:
                print(f"{mode:<8} {service:>15.0f}")
    finally:
        if with_limit:
            subprocess.run(
                [
                    "psql",
                    url,
                    "-q",
                    "-c",
                    "DROP TABLE IF EXISTS lim_movements, lim_wi, lim_inv, lim_docs",
                ],
                check=True,
                capture_output=True,
            )


if __name__ == "__main__":
    main()
