"""Profile POST /api/v1/documents/{id}/post/ under gunicorn (one sync worker, the production
settings) and list the statements each posting sends.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/wms_bench python bench/profile_post.py

Posts --count pre-made drafts of --lines lines one after the other with an Idempotency-Key, the
first --warm unprofiled; prints the pyinstrument text profile of the rest and the statements of
the last posting (the connection check, BEGIN and COMMIT are not statements of Django's and are
counted apart: see BENCHMARKS.md). Writes bench/results/post_profile.txt and .sql.
"""

from django_setup import ROOT  # isort: skip - sets Django up first

import argparse
import os
import random
import time
import uuid

import post_setup
import requests


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=300)
    parser.add_argument("--warm", type=int, default=20)
    parser.add_argument("--lines", type=int, default=10)
    parser.add_argument("--port", type=int, default=18512)
    args = parser.parse_args()
    out = ROOT / "bench" / "results" / "post_profile.txt"
    out.parent.mkdir(exist_ok=True)
    sql = out.with_suffix(".txt.sql")
    sql.unlink(missing_ok=True)
    warehouses, products = post_setup.set_up()
    ids = post_setup.make_drafts(
        args.count + args.warm, args.lines, "uniform", warehouses, products, random.Random(7)
    )
    token = post_setup.api_token()
    os.environ["PROFILE_OUT"] = str(out)
    os.environ["PYTHONPATH"] = f"{ROOT / 'bench'}:{ROOT}"
    with post_setup.gunicorn(args.port, 1, app="profile_wsgi:application") as base:
        session = requests.Session()
        session.headers["Authorization"] = f"Token {token}"
        took = []
        for i, doc_id in enumerate(ids):
            began = time.perf_counter()
            answer = session.post(
                f"{base}/api/v1/documents/{doc_id}/post/",
                headers={"Idempotency-Key": str(uuid.uuid4())},
            )
            answer.raise_for_status()
            if i == args.warm - 1:
                session.get(f"{base}/profile-dump")  # drops the warm-up's session
                sql.unlink(missing_ok=True)
            took.append(time.perf_counter() - began)
        session.get(f"{base}/profile-dump")
    took = sorted(took[args.warm :])
    print(out.read_text())
    last = sql.read_text().split("-- request\n")[-1].strip().splitlines()
    print(f"{len(last)} statements in the last posting:")
    print("\n".join(f"  {s[:150]}" for s in last))
    print(f"client-side (profiled) median {1000 * took[len(took) // 2]:.1f} ms")


if __name__ == "__main__":
    main()
