"""Time `manage.py import_products` on a generated CSV (100,000 rows by default).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/wms .venv/bin/python bench/import_products.py

Works in a throwaway database (bench_<name>, created and dropped here), so the data of the
configured database is never touched. Prints the time of a first import (every row created) and a
second one of the same SKUs with changed prices and names (every row updated).
"""

import argparse
import csv
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

from inventory.models import Product  # noqa: E402


def write_csv(path: Path, rows: int, version: int) -> None:
    units = ["pcs", "box", "pack", "pallet", "kg", "l", "m"]
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(["sku", "name", "description", "unit", "price", "is_active"])
        for n in range(rows):
            writer.writerow(
                [
                    f"BENCH-{n:07d}",
                    f"Bench product {n} v{version}",
                    f"Generated for the import benchmark, row {n}",
                    units[n % len(units)],
                    f"{(n % 10000) / 100 + version:.2f}",
                    "true" if n % 10 else "false",
                ]
            )


def timed_import(path: Path) -> float:
    started = time.perf_counter()
    call_command("import_products", str(path), "--no-progress")
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    args = parser.parse_args()

    print(f"database: {connection.vendor}, rows: {args.rows}")
    old_name = connection.settings_dict["NAME"]
    if connection.vendor == "postgresql":  # apart from test_<name>, which the tests use
        connection.settings_dict["TEST"]["NAME"] = f"bench_{old_name}"
    connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    try:
        with tempfile.TemporaryDirectory() as tmp:
            first, second = Path(tmp, "products-v1.csv"), Path(tmp, "products-v2.csv")
            write_csv(first, args.rows, version=1)
            write_csv(second, args.rows, version=2)
            created = timed_import(first)
            assert Product.objects.filter(sku__startswith="BENCH-").count() == args.rows
            updated = timed_import(second)
            assert Product.objects.filter(name__endswith=" v2").count() == args.rows
        print(f"create {args.rows} rows: {created:.2f} s ({args.rows / created:,.0f} rows/s)")
        print(f"update {args.rows} rows: {updated:.2f} s ({args.rows / updated:,.0f} rows/s)")
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
