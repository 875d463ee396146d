"""Reads: a stock lookup by (warehouse, product) against a trivial authenticated DRF endpoint,
on the same gunicorn, measured alternately in one run.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/wms_bench python bench/read_ratio.py

The trivial endpoint is the API root (GET /api/v1/: token authentication, permission check, a
rendered JSON body, no query of its own); the lookup is GET /api/v1/stock/?warehouse=&product=
on a random one of 10 x 10,000 stock rows. Each is hit by --clients processes with keep-alive
for --seconds, --rounds times alternately. The target: the lookup serves at least half the
requests per second of the trivial endpoint. Prints the table, writes JSON.
"""

from django_setup import ROOT  # isort: skip - sets Django up first

import argparse
import json
import multiprocessing
import random
import time
from pathlib import Path

import post_setup
import requests


def _client(base, token, kind, seconds, seed, warehouses, products, start_at, results):
    rng = random.Random(seed)
    session = requests.Session()
    session.headers["Authorization"] = f"Token {token}"
    done = bad = 0
    while time.time() < start_at:
        time.sleep(0.001)
    while time.time() < start_at + seconds:
        if kind == "trivial":
            url = f"{base}/api/v1/"
        else:
            w, p = rng.choice(warehouses), rng.choice(products)
            url = f"{base}/api/v1/stock/?warehouse={w}&product={p}"
        answer = session.get(url)
        done, bad = done + (answer.status_code == 200), bad + (answer.status_code != 200)
    results.put((done, bad))


def measure(base, token, kind, clients, seconds, warehouses, products) -> dict:
    totals = post_setup.run_together(
        _client,
        [(base, token, kind, seconds, i, warehouses, products) for i in range(clients)],
        start_in=1,
    )
    return {"rps": sum(d for d, _ in totals) / seconds, "non_200": sum(b for _, b in totals)}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--port", type=int, default=18513)
    parser.add_argument("--workers", type=int, default=None)
    parser.add_argument("--json", type=Path, default=ROOT / "bench" / "results" / "reads.json")
    args = parser.parse_args()
    warehouses, products = post_setup.set_up()
    token = post_setup.api_token()
    workers = args.workers or (2 * multiprocessing.cpu_count() + 1)
    rows = []
    print(f"{args.clients} clients x {args.seconds} s, gunicorn {workers} sync workers")
    print(f"{'round':>5} {'trivial req/s':>14} {'stock req/s':>12} {'ratio':>7}")
    with post_setup.gunicorn(args.port, workers) as base:
        for n in range(args.rounds):
            trivial = measure(
                base, token, "trivial", args.clients, args.seconds, warehouses, products
            )
            stock = measure(base, token, "stock", args.clients, args.seconds, warehouses, products)
            ratio = stock["rps"] / trivial["rps"]
            rows.append({"round": n + 1, "trivial": trivial, "stock": stock, "ratio": ratio})
            print(f"{n + 1:>5} {trivial['rps']:>14.0f} {stock['rps']:>12.0f} {ratio:>7.0%}")
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(
        json.dumps({"workers": workers, "clients": args.clients, "rows": rows}, indent=2)
    )
    print(f"written: {args.json}")


if __name__ == "__main__":
    main()
