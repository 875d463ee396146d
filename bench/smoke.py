"""Every benchmark at a tiny size, each on a fresh PostgreSQL database, so none can rot.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/wms python bench/smoke.py

The figures mean nothing at this size; what counts is that each program runs to the end. The
databases are named after DATABASE_URL's with a suffix and this process's id (two runs on one
machine never meet) and dropped after. `make bench-smoke` runs it; CI (.ci/run) too.
"""

import os
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg

BENCH = Path(__file__).resolve().parent
# Each program with the arguments that make it small.
RUNS = {
    "as_of.py": ["--rows", "20000", "--repeat", "1", "--locations", "5", "--products", "20"],
    "dashboard_reads.py": ["--ledger", "2000", "--days", "3", "--repeat", "1"],
    "import_products.py": ["--rows", "200"],
    "post_throughput.py": [
        *("--models", "limit2", "inproc-post", "inproc-create", "http-post", "http-create"),
        *("--clients", "2", "--lines", "2", "--spreads", "uniform", "--seconds", "1"),
        *("--warehouses", "2", "--products", "50", "--json", "/dev/null"),
    ],
    "webhook_delivery.py": ["--events", "20", "--workers", "1,2"],
    "reads_at_scale.py": ["--small", "--repeat", "1", "--reconcile"],
}


def with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{name}"))


def main() -> int:
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        sys.exit("Set DATABASE_URL to a PostgreSQL server: the benchmarks measure PostgreSQL.")
    base = urlsplit(url).path.lstrip("/") or "wms"
    admin = with_database(url, "postgres")
    failed = []
    for program, arguments in RUNS.items():
        name = f"{base}_bench_{program.removesuffix('.py')}_{os.getpid()}"
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        started = time.monotonic()
        try:
            ran = subprocess.run(
                [sys.executable, str(BENCH / program), *arguments],
                env={**os.environ, "DATABASE_URL": with_database(url, name)},
                capture_output=True,
                text=True,
                timeout=600,
            )
        finally:
            with psycopg.connect(admin, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        took = time.monotonic() - started
        status = "ok" if ran.returncode == 0 else f"FAILED ({ran.returncode})"
        print(f"{program:<22} {status:<12} {took:6.1f} s")
        if ran.returncode:
            failed.append(program)
            print(ran.stdout[-2000:], ran.stderr[-4000:], sep="\n")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
