"""`make load-test`: the guide's load test for real, then the checks that it broke nothing.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/wms_load python bench/load_test.py
    python bench/load_test.py --duration 60s --users 30       # a shorter run

On the database of DATABASE_URL (its own: every run adds thousands of documents; migrated and
given the demo data if empty): gunicorn with the production settings (gunicorn.conf.py, DEBUG
off; plain HTTP on 127.0.0.1 and a rate limit above the load, as docs/operations.md says), then
locust headless with bench/locustfile.py's mix for --duration, writing its CSVs to --out. Then:
  - no 5xx in gunicorn's access log (and no failed request in locust's CSV),
  - reconcile_stock passes (every stock level equals its ledger),
  - every posting locust saw acknowledged (200) is posted in the database with its ledger rows,
and bench/plot_load.py draws --out/load.png. Exits non-zero when any check fails.
"""

from django_setup import ROOT  # isort: skip - sets Django up first

import argparse
import csv
import os
import re
import subprocess
import sys
from io import StringIO
from pathlib import Path

import plot_load
import post_setup
from django.contrib.auth.models import Group, User
from django.core.management import call_command
from django.core.management.base import CommandError

from documents.models import Document, Status
from inventory.models import StockMovement
from warehouses.models import Warehouse
from wms.tokens import api_token_create

STAFF_PASSWORD = "load-test-staff-only"  # noqa: S105 - a throwaway user of the test database


def prepare() -> dict:
    call_command("migrate", verbosity=0)
    if not Warehouse.objects.exists():
        call_command("seed_demo", stdout=StringIO())
    manager = Group.objects.get(name="Warehouse manager")
    integrator, _ = User.objects.get_or_create(username="load-integrator")
    integrator.groups.add(manager)
    staff, _ = User.objects.get_or_create(username="load-staff", defaults={"is_staff": True})
    staff.set_password(STAFF_PASSWORD)
    staff.save()
    staff.groups.add(manager)
    return {
        "WMS_API_TOKEN": api_token_create(user=integrator),
        "WMS_STAFF_USER": staff.username,
        "WMS_STAFF_PASSWORD": STAFF_PASSWORD,
    }


def five_hundreds(access_log: Path) -> list[str]:
    """The access log's lines with a 5xx status (format: gunicorn.conf.py's)."""
    pattern = re.compile(r'" 5\d\d ')
    return [line for line in access_log.read_text().splitlines() if pattern.search(line)]


def missing_acknowledged(path: Path) -> list[int]:
    """Postings answered 200 that are not posted, or posted without a ledger row."""
    acknowledged = {int(line) for line in path.read_text().split()} if path.exists() else set()
    posted = set(
        Document.objects.filter(pk__in=acknowledged, status=Status.POSTED).values_list(
            "pk", flat=True
        )
    )
    with_ledger = set(
        StockMovement.objects.filter(document_id__in=posted).values_list("document_id", flat=True)
    )
    return sorted(acknowledged - (posted & with_ledger))


def failed_requests(out: Path) -> int:
    with open(out / "locust_stats.csv") as stats:
        return sum(
            int(row["Failure Count"])
            for row in csv.DictReader(stats)
            if row["Name"] != "Aggregated"
        )


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", default="5m", help="locust's -t: 5m, 60s, ...")
    parser.add_argument("--users", type=int, default=40)
    parser.add_argument("--spawn-rate", type=int, default=10)
    parser.add_argument("--port", type=int, default=18520)
    parser.add_argument("--workers", type=int, default=None, help="default: gunicorn.conf.py's")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "load")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    for stale in args.out.glob("locust_*"):
        stale.unlink()
    acknowledged = args.out / "acknowledged.txt"
    acknowledged.unlink(missing_ok=True)
    env = {**os.environ, **prepare(), "WMS_ACKNOWLEDGED": str(acknowledged)}
    access_log = args.out / "gunicorn.log"
    workers = args.workers or (2 * os.cpu_count() + 1)
    with post_setup.gunicorn(args.port, workers, log=open(access_log, "w")) as base:  # noqa: SIM115
        locust = subprocess.run(
            [
                sys.executable,
                "-m",
                "locust",
                "-f",
                str(ROOT / "bench" / "locustfile.py"),
                "--host",
                base,
                "--headless",
                "-u",
                str(args.users),
                "-r",
                str(args.spawn_rate),
                "-t",
                args.duration,
                "--csv",
                str(args.out / "locust"),
                "--csv-full-history",
                "--only-summary",
            ],
            env=env,
            cwd=ROOT,
        )
    problems = []
    if errors := five_hundreds(access_log):
        problems.append(f"{len(errors)} responses were 5xx, e.g. {errors[0]}")
    if failed := failed_requests(args.out):
        problems.append(f"{failed} requests failed (locust_failures.csv says which)")
    try:
        call_command("reconcile_stock", stdout=StringIO())
    except CommandError as exc:
        problems.append(f"reconcile_stock: {exc}")
    if missing := missing_acknowledged(acknowledged):
        problems.append(f"{len(missing)} acknowledged postings are missing, e.g. {missing[:5]}")
    png = plot_load.draw(args.out)
    print(f"chart: {png}")
    print(plot_load.table(args.out))
    if problems or locust.returncode:
        print("FAILED:\n  " + "\n  ".join(problems or [f"locust exited {locust.returncode}"]))
        sys.exit(1)
    print("checks passed: no 5xx, reconcile_stock clean, every acknowledged posting is there")


if __name__ == "__main__":
    main()
