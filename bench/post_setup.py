"""What bench/post_throughput.py works on: the data, pre-made drafts, a gunicorn and a token.

The data: 10 warehouses x 10,000 products, opened by 10,000-line receipts posted through the
service (made once per database). Drafts are written in bulk (two statements per batch), so
making them costs the benchmark nothing it measures.
"""

from django_setup import ROOT  # isort: skip - sets Django up first

import multiprocessing
import os
import secrets
import signal
import subprocess
import sys
import time
from contextlib import contextmanager

import requests
from django.contrib.auth.models import Group, User
from django.core.management import call_command
from django.db import connection, transaction

from documents.models import NUMBER_PREFIX, Document, DocumentLine
from documents.services import LineInput, document_create, document_post
from inventory.models import Product
from warehouses.models import Warehouse
from wms.tokens import api_token_create

WAREHOUSES, PRODUCTS, OPENING = 10, 10_000, 10_000_000
USERNAME = "bench-poster"


def set_up(
    warehouse_count: int = WAREHOUSES, product_count: int = PRODUCTS, migrate: bool = True
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
        Warehouse.objects.filter(code__startswith="BENCH-")
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    products = list(
        Product.objects.filter(sku__startswith="BENCH-").order_by("pk").values_list("pk", flat=True)
    )
    return warehouses, products


def lines_for(rng, spread, n_lines, warehouses, products) -> tuple[int, list[int]]:
    """A warehouse and the products of one shipment: uniform spreads them over 10 warehouses x
    10,000 products (n consecutive from a random start); hot puts every shipment on the same
    rows."""
    if spread == "hot":
        return warehouses[0], products[:n_lines]
    first = rng.randrange(len(products) - n_lines)
    return rng.choice(warehouses), products[first : first + n_lines]


def make_drafts(count, n_lines, spread, warehouses, products, rng) -> list[int]:
    """``count`` draft shipments of ``n_lines`` lines of 1, written in bulk; their ids."""
    ids = []
    batch = max(1, 20_000 // n_lines)
    prefix = NUMBER_PREFIX["shipment"]
    for start in range(0, count, batch):
        size = min(batch, count - start)
        picks = [lines_for(rng, spread, n_lines, warehouses, products) for _ in range(size)]
        with transaction.atomic():
            docs = Document.objects.bulk_create(
                Document(doc_type="shipment", warehouse_id=w, reference="bench") for w, _ in picks
            )
            with connection.cursor() as cursor:
                cursor.execute(
                    "UPDATE documents SET number = %s || '-' || lpad(id::text, 6, '0') "
                    "WHERE id = ANY(%s)",
                    [prefix, [d.pk for d in docs]],
                )
            DocumentLine.objects.bulk_create(
                DocumentLine(document_id=d.pk, product_id=p, quantity=1)
                for d, (_, ps) in zip(docs, picks, strict=True)
                for p in ps
            )
        ids.extend(d.pk for d in docs)
    return ids


def run_together(target, per_process: list[tuple], start_in: float = 1.5) -> list:
    """``target(*args, start_at, results)`` in a forked process for each ``args``, all starting
    their work at ``start_at``; what each put on ``results``."""
    ctx = multiprocessing.get_context("fork")
    results = ctx.Queue()
    start_at = time.time() + start_in
    procs = [ctx.Process(target=target, args=(*args, start_at, results)) for args in per_process]
    for p in procs:
        p.start()
    totals = [results.get() for _ in procs]
    for p in procs:
        p.join()
    return totals


def api_token() -> str:
    user, _ = User.objects.get_or_create(username=USERNAME)
    user.groups.add(Group.objects.get(name="Warehouse manager"))
    return api_token_create(user=user)


def server_env(port: int, workers: int, worker_class: str, threads: int) -> dict:
    """The production settings (DEBUG off, gunicorn.conf.py), on plain HTTP on 127.0.0.1, with
    a rate limit far above the load (one address sends everything)."""
    return {
        **os.environ,
        "DEBUG": "False",
        "SECRET_KEY": os.environ.get("SECRET_KEY") or secrets.token_urlsafe(50),
        "SECURE_SSL_REDIRECT": "False",
        "SESSION_COOKIE_SECURE": "False",  # the admin's login, over plain HTTP
        "CSRF_COOKIE_SECURE": "False",
        "RATE_LIMIT_PER_MINUTE": "10000000",
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "WEB_CONCURRENCY": str(workers),
        "GUNICORN_WORKER_CLASS": worker_class,
        "GUNICORN_THREADS": str(threads),
        "LOG_LEVEL": os.environ.get("SERVER_LOG_LEVEL", "INFO"),
        # One connection per thread that may serve a request at once (docs/operations.md).
        "DB_POOL_SIZE": "1",
        "DB_MAX_OVERFLOW": str(max(threads - 1, 1)),
    }


@contextmanager
def gunicorn(port, workers, worker_class="sync", threads=1, log=None, app=None, root=ROOT):
    """A gunicorn with the project's gunicorn.conf.py on 127.0.0.1:port, stopped on exit."""
    log = log or open(os.devnull, "w")  # noqa: SIM115 - closed with the server
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--config", "gunicorn.conf.py", *([app] if app else [])],
        cwd=root,
        env=server_env(port, workers, worker_class, threads),
        stdout=log,
        stderr=log,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if requests.get(f"http://127.0.0.1:{port}/healthz", timeout=2).ok:
                    break
            except requests.RequestException:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"gunicorn did not start on port {port}")
            time.sleep(0.3)
        yield f"http://127.0.0.1:{port}"
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=60)
        log.close()
