"""Posting throughput against the raw-SQL limit of the same machine, measured in the same run.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/wms_bench python bench/post_throughput.py
    python bench/post_throughput.py --models http-post --clients 8 --lines 10 --seconds 10

Models (each client is a process of its own, started together, for --seconds):
  limit2       pgbench posting pre-made 10-line drafts in plain SQL (bench/limit2_*.sql): what
               PostgreSQL itself allows on this machine; run once per client count, alternated
               with the application's models so the ratios hold on a noisy machine
  inproc-post  document_post() of pre-made drafts, in-process (no HTTP)
  inproc-create  document_create() + document_post() in-process
  http-post    POST /api/v1/documents/{id}/post/ of pre-made drafts against gunicorn with the
               production settings (gunicorn.conf.py, DEBUG off, token auth, Idempotency-Key)
  http-create  POST /api/v1/documents/ then /post/, the same way

Spreads: uniform (a random warehouse of 10, n consecutive products of 10,000) and hot (every
document on the same rows). Prints a table (docs/s, ratio to limit2 with the same clients, p50
and p99 latency) and writes it as JSON (--json). The data are made on the first run; drafts are
made before each timed cell; the lim_* tables are dropped at the end.
"""

from django_setup import ROOT  # isort: skip - sets Django up first

import argparse
import json
import multiprocessing
import platform
import random
import re
import subprocess
import sys
import time
import uuid
from pathlib import Path

import post_setup
import requests
from django.db import connection

from documents.services import LineInput, document_create, document_post
from inventory.exceptions import InsufficientStock

BENCH = ROOT / "bench"
# Drafts made per second of a cell, all clients together, by line count: well above what the
# application reaches on a 2-core machine (a client that runs out stops and says so).
DRAFT_RATE = {1: 1500, 10: 900, 100: 150}


def _wait(start_at):
    while time.time() < start_at:
        time.sleep(0.001)


def _inproc_client(job, start_at, results):
    connection.close()  # never share the parent's connection
    rng = random.Random(job["seed"])
    latencies, short, ran_out = [], 0, 0
    _wait(start_at)
    deadline = start_at + job["seconds"]
    drafts = iter(job["drafts"])
    while time.time() < deadline:
        began = time.perf_counter()
        try:
            if job["model"] == "inproc-create":
                w, ps = post_setup.lines_for(rng, *job["shape"])
                lines = [LineInput(p, 1) for p in ps]
                doc_id = document_create(doc_type="shipment", warehouse_id=w, lines=lines).pk
            else:
                doc_id = next(drafts, None)
                if doc_id is None:
                    ran_out = 1
                    break
            document_post(document_id=doc_id)
        except InsufficientStock:
            short += 1
            continue
        latencies.append(time.perf_counter() - began)
    results.put((latencies, short, 0, ran_out))
    connection.close()


def _http_client(job, start_at, results):
    rng = random.Random(job["seed"])
    session = requests.Session()
    session.headers["Authorization"] = f"Token {job['token']}"
    api = f"{job['url']}/api/v1/documents/"
    latencies, short, failed, ran_out = [], 0, 0, 0
    drafts = iter(job["drafts"])
    _wait(start_at)
    deadline = start_at + job["seconds"]
    while time.time() < deadline:
        began = time.perf_counter()
        if job["model"] == "http-create":
            w, ps = post_setup.lines_for(rng, *job["shape"])
            body = {
                "doc_type": "shipment",
                "warehouse": w,
                "lines": [{"product": p, "quantity": 1} for p in ps],
            }
            made = session.post(api, json=body, headers={"Idempotency-Key": str(uuid.uuid4())})
            if made.status_code != 201:
                failed += 1
                continue
            doc_id = made.json()["id"]
        else:
            doc_id = next(drafts, None)
            if doc_id is None:
                ran_out = 1
                break
        posted = session.post(
            f"{api}{doc_id}/post/", headers={"Idempotency-Key": str(uuid.uuid4())}
        )
        if posted.status_code == 200:
            latencies.append(time.perf_counter() - began)
        elif posted.status_code == 409 and posted.json().get("code") == "insufficient_stock":
            short += 1
        else:
            failed += 1
    results.put((latencies, short, failed, ran_out))


def run_clients(job, clients) -> dict:
    """Start ``clients`` processes on ``job`` together; docs/s and latency percentiles."""
    connection.close()
    if getattr(connection, "pool", None) is not None:
        connection.close_pool()
    target = _http_client if job["model"].startswith("http") else _inproc_client
    drafts = job.get("drafts", [])
    per = len(drafts) // clients
    totals = post_setup.run_together(
        target,
        [({**job, "seed": i, "drafts": drafts[i * per : (i + 1) * per]},) for i in range(clients)],
    )
    latencies = sorted(x for lat, *_ in totals for x in lat)
    return {
        "docs_per_s": len(latencies) / job["seconds"],
        "p50_ms": _pct(latencies, 50),
        "p99_ms": _pct(latencies, 99),
        "short": sum(t[1] for t in totals),
        "failed": sum(t[2] for t in totals),
        "ran_out": sum(t[3] for t in totals),
    }


def _pct(values, p):
    if not values:
        return None
    return round(1000 * values[min(len(values) - 1, int(len(values) * p / 100))], 1)


def run_limit2(clients, seconds, url) -> dict:
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
            "-r",
            "-f",
            str(BENCH / "limit2_post.sql"),
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    latency = re.search(r"latency average = ([\d.]+) ms", out)
    return {
        "docs_per_s": float(re.search(r"tps = ([\d.]+)", out).group(1)),
        "p50_ms": None,
        "p99_ms": None,
        "avg_ms": float(latency.group(1)) if latency else None,
    }


def print_row(row: dict) -> None:
    ratio, notes = row["of_limit2"], ""
    for note in ("short", "failed", "ran_out"):
        if row.get(note):
            notes += f"  {note.replace('_', ' ')} {row[note]}"
    print(
        f"{row['model']:<14}{row['clients']:>8}{row['lines']:>6} {row['spread']:<8}"
        f"{row['docs_per_s']:>8.0f}{f'{ratio:.1%}' if ratio else '':>10}"
        f"{row['p50_ms'] or '':>8}{row['p99_ms'] or '':>8}{notes}",
        flush=True,
    )


def run_model(model, clients, shape, seconds, base, token, rng) -> dict:
    """One cell of the application's models; drafts are made first for the -post models."""
    job = {"model": model, "seconds": seconds, "shape": shape, "url": base, "token": token}
    if model.endswith("-post"):
        spread, lines, warehouses, products = shape
        count = DRAFT_RATE.get(lines, 300) * seconds
        job["drafts"] = post_setup.make_drafts(count, lines, spread, warehouses, products, rng)
    return run_clients(job, clients)


def psql(url: str, *args) -> None:
    subprocess.run(["psql", url, "-q", *map(str, args)], check=True, capture_output=True)


def libpq_url() -> str:
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    host, port = db.get("HOST") or "127.0.0.1", db.get("PORT") or 5432
    return f"postgresql://{db.get('USER') or 'postgres'}{password}@{host}:{port}/{db['NAME']}"


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--models",
        nargs="+",
        default=["limit2", "inproc-post", "inproc-create", "http-post", "http-create"],
    )
    parser.add_argument("--clients", nargs="+", type=int, default=[1, 4, 8])
    parser.add_argument("--lines", nargs="+", type=int, default=[10, 1, 100])
    parser.add_argument("--spreads", nargs="+", default=["uniform", "hot"])
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--port", type=int, default=18510, help="gunicorn's port (http models)")
    parser.add_argument(
        "--workers", type=int, default=None, help="gunicorn workers (default: gunicorn.conf.py's)"
    )
    parser.add_argument("--worker-class", default="sync")
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument(
        "--server-root",
        type=Path,
        default=ROOT,
        help="serve this checkout instead (e.g. `git archive` of another commit): before/after",
    )
    parser.add_argument("--json", type=Path, default=BENCH / "results" / "post_throughput.json")
    parser.add_argument("--warehouses", type=int, default=post_setup.WAREHOUSES)
    parser.add_argument("--products", type=int, default=post_setup.PRODUCTS)
    parser.add_argument(
        "--no-migrate",
        action="store_true",
        help="measure the schema as it is (e.g. migrated back to a plain ledger to compare)",
    )
    return parser.parse_args()


def cells(args):
    """Every (model, clients, lines, spread) to time, limit2 first for each client count.

    limit2 models 10-line uniform drafts only: it is the one yardstick every row is compared
    with (the same client count), measured right before the rows it is compared with."""
    for clients in args.clients:
        if "limit2" in args.models:
            yield "limit2", clients, 10, "uniform"
        for lines in args.lines:
            for spread in args.spreads:
                for model in args.models:
                    if model != "limit2":
                        yield model, clients, lines, spread


def main():
    args = parse_args()
    if connection.vendor != "postgresql":
        sys.exit("Set DATABASE_URL to a PostgreSQL database: the benchmark measures PostgreSQL.")
    warehouses, products = post_setup.set_up(
        args.warehouses, args.products, migrate=not args.no_migrate
    )
    url, token = libpq_url(), post_setup.api_token()
    todo = list(cells(args))
    limits = sum(1 for c in todo if c[0] == "limit2")
    if limits:
        psql(url, "-v", f"drafts={3500 * args.seconds * limits}", "-f", BENCH / "limit2_schema.sql")
    rows, limit, rng = [], {}, random.Random(1)
    print(f"{platform.node()}: {multiprocessing.cpu_count()} cores; {args.seconds} s per cell")
    print(
        f"{'model':<14}{'clients':>8}{'lines':>6} {'spread':<8}{'docs/s':>8}"
        f"{'of limit2':>10}{'p50 ms':>8}{'p99 ms':>8}"
    )
    workers = args.workers or (2 * multiprocessing.cpu_count() + 1)
    server = post_setup.gunicorn(
        args.port, workers, args.worker_class, args.threads, root=args.server_root
    )
    base = server.__enter__() if any(m.startswith("http") for m in args.models) else None
    try:
        for model, clients, lines, spread in todo:
            if model == "limit2":
                result = limit[clients] = run_limit2(clients, args.seconds, url)
            else:
                shape = (spread, lines, warehouses, products)
                result = run_model(model, clients, shape, args.seconds, base, token, rng)
            ratio = (
                result["docs_per_s"] / limit[clients]["docs_per_s"] if clients in limit else None
            )
            row = {
                "model": model,
                "clients": clients,
                "lines": lines,
                "spread": spread,
                **result,
                "of_limit2": ratio,
            }
            rows.append(row)
            print_row(row)
    finally:
        if base:
            server.__exit__(None, None, None)
        if limits:
            tables = "lim_movements, lim_lines, lim_quants, lim_wi, lim_inv, lim_docs"
            psql(url, "-c", f"DROP TABLE IF EXISTS {tables}; DROP SEQUENCE IF EXISTS lim_next")
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(
        json.dumps(
            {
                "machine": {
                    "node": platform.node(),
                    "cores": multiprocessing.cpu_count(),
                    "python": platform.python_version(),
                },
                "seconds": args.seconds,
                "gunicorn": {
                    "workers": workers,
                    "worker_class": args.worker_class,
                    "threads": args.threads,
                },
                "rows": rows,
            },
            indent=2,
        )
    )
    print(f"written: {args.json}")


if __name__ == "__main__":
    main()
