"""One process posting pre-made drafts one after the other: milliseconds per posting, and of
them the time spent waiting on statements, by statement.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/wms_bench python bench/post_serial.py

With one client the machine's crowd weighs least, so a change on the posting path shows here
when the 8-client figures of post_throughput.py drown it. Uses post_throughput.py's data (made
on the first run); the drafts are made before the timing starts.
"""

from django_setup import ROOT  # noqa: F401  isort: skip - sets Django up first

import argparse
import random
import time
from collections import defaultdict

import post_setup
from django.db import connection

from documents.services import document_post


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=200)
    parser.add_argument("--lines", type=int, default=10)
    parser.add_argument("--top", type=int, default=8, help="statements listed")
    args = parser.parse_args()
    warehouses, products = post_setup.set_up()
    drafts = post_setup.make_drafts(
        args.count, args.lines, "uniform", warehouses, products, random.Random(7)
    )
    waited: dict[str, float] = defaultdict(float)

    def timed(execute, sql, params, many, context):
        began = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            waited[" ".join(sql.split())[:40]] += time.perf_counter() - began

    with connection.execute_wrapper(timed):
        began = time.perf_counter()
        for document_id in drafts:
            document_post(document_id=document_id)
        took = time.perf_counter() - began
    n = len(drafts)
    print(
        f"{args.lines}-line postings: {took / n * 1000:.2f} ms each, "
        f"{sum(waited.values()) / n * 1000:.2f} ms of it in statements"
    )
    for sql, seconds in sorted(waited.items(), key=lambda item: -item[1])[: args.top]:
        print(f"  {seconds / n * 1000:6.2f} ms  {sql}")


if __name__ == "__main__":
    main()
