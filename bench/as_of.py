"""Stock as of a past instant with 10 million ledger rows: how long the as_of reads take.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/wms_asof python bench/as_of.py

The first run builds the data set-based in SQL (no posting): one warehouse, 100 locations and
1,000 products by default (--locations, --products), a quant for each pair, and --rows ledger
rows spread over them in time order, with balance_after as the engine writes it. Then it
times, each --repeat times and reports the median: the first page of /quants/?as_of= (50
rows), the same filtered by product, by location, and a product's /stock/?as_of= row, each at
an instant in the middle of history.
"""

import argparse
import os
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("LOG_LEVEL", "WARNING")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402

from documents.models import Document, DocumentLine  # noqa: E402
from inventory.models import Product, Quant, StockMovement  # noqa: E402
from inventory.selectors import quant_list, stock_as_of, stock_list  # noqa: E402
from warehouses.models import Warehouse  # noqa: E402

START = timezone.now().replace(microsecond=0) - timedelta(days=400)

# Bench data only: foreign-key and append-only triggers are off for the bulk load (a deferred
# foreign-key check per row would queue tens of millions of trigger events).
BUILD = """
SET statement_timeout = 0;
SET session_replication_role = replica;
INSERT INTO locations (warehouse_id, parent_id, code, name, path, pick_order, is_active,
                       created_at, updated_at)
    SELECT w.id, r.id, 'L' || g, '', 'L' || g, g, TRUE, now(), now()
    FROM warehouses w JOIN locations r ON r.warehouse_id = w.id AND r.parent_id IS NULL,
         generate_series(1, %(locations)s) g WHERE w.code = 'ASOF';
INSERT INTO products (sku, name, description, unit, price, tracking, is_active, created_at,
                      updated_at)
    SELECT 'ASOF-' || g, 'as_of ' || g, '', 'pcs', 0, 'none', TRUE, now(), now()
    FROM generate_series(1, %(products)s) g;
"""
# The document every ledger row names is made by the ORM between the two parts, so that a
# column added to documents (with its default in the model) cannot break the raw SQL.
BUILD_LEDGER = """
CREATE TEMP TABLE bench_quants AS
    SELECT row_number() OVER (ORDER BY l.id, p.id) - 1 AS n, l.warehouse_id, l.id AS location_id,
           p.id AS product_id
    FROM locations l, products p
    WHERE l.warehouse_id = (SELECT id FROM warehouses WHERE code = 'ASOF')
      AND l.parent_id IS NOT NULL AND p.sku LIKE 'ASOF-%%';
INSERT INTO stock_quants (warehouse_id, location_id, product_id, lot_id, is_serial,
                          holds_serial, quantity, reserved, received_at, updated_at)
    SELECT warehouse_id, location_id, product_id, NULL, FALSE, FALSE, 0, 0, %(start)s, now()
    FROM bench_quants ORDER BY n;
CREATE TEMP TABLE bench_quant_ids AS
    SELECT b.n, q.id, q.warehouse_id, q.location_id, q.product_id
    FROM bench_quants b JOIN stock_quants q
      ON q.location_id = b.location_id AND q.product_id = b.product_id AND q.lot_id IS NULL;
CREATE INDEX ON bench_quant_ids (n);
ANALYZE bench_quant_ids;
-- Row i moves quant i %% QUANTS by +1, one second apart: the quant's k-th row leaves it at k.
INSERT INTO stock_movements (document_id, document_line_id, warehouse_id, location_id,
                             product_id, lot_id, quant_id, quantity, balance_after,
                             is_reversal, created_at)
    SELECT d.id, l.id, q.warehouse_id, q.location_id, q.product_id, NULL, q.id, 1,
           g / %(quants)s + 1, FALSE, %(start)s + g * interval '1 second'
    FROM generate_series(0, %(rows)s - 1) g
    JOIN bench_quant_ids q ON q.n = g %% %(quants)s
    CROSS JOIN documents d JOIN document_lines l ON l.document_id = d.id
    WHERE d.number = 'ASOF-1';
UPDATE stock_quants q SET quantity = c.n
    FROM (SELECT quant_id, COUNT(*) AS n FROM stock_movements GROUP BY quant_id) c
    WHERE c.quant_id = q.id;
INSERT INTO warehouse_inventory (warehouse_id, product_id, quantity, reserved, updated_at)
    SELECT warehouse_id, product_id, SUM(quantity), 0, now() FROM stock_quants
    WHERE warehouse_id = (SELECT id FROM warehouses WHERE code = 'ASOF')
    GROUP BY warehouse_id, product_id;
SET session_replication_role = DEFAULT;
"""


def build(rows: int, locations: int, products: int) -> None:
    started = time.perf_counter()
    # By the ORM, with triggers on: the database trigger that makes a warehouse's root location
    # is one of those the bulk load switches off.
    Warehouse.objects.create(code="ASOF", name="as_of bench")
    with connection.cursor() as cursor:
        cursor.execute(BUILD, {"locations": locations, "products": products})
        document = Document.objects.create(
            number="ASOF-1",
            doc_type="receipt",
            status="posted",
            warehouse=Warehouse.objects.get(code="ASOF"),
            posted_at=timezone.now(),
        )
        DocumentLine.objects.create(
            document=document, product=Product.objects.get(sku="ASOF-1"), quantity=1
        )
        cursor.execute(
            BUILD_LEDGER,
            {
                "locations": locations,
                "products": products,
                "quants": locations * products,
                "rows": rows,
                "start": START,
            },
        )
        cursor.execute("ANALYZE stock_movements; ANALYZE stock_quants;")
    print(f"built {rows:,} ledger rows in {time.perf_counter() - started:.0f} s")


def timed(label: str, call, repeat: int) -> None:
    took = []
    for _ in range(repeat):
        started = time.perf_counter()
        result = call()
        took.append((time.perf_counter() - started) * 1000)
    print(f"{label:<52} {statistics.median(took):8.1f} ms  ({result})")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--locations", type=int, default=100)
    parser.add_argument("--products", type=int, default=1000)
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("Set DATABASE_URL to a PostgreSQL database: the benchmark measures PostgreSQL.")
    call_command("migrate", verbosity=0)
    if not Quant.objects.filter(warehouse__code="ASOF").exists():
        build(args.rows, args.locations, args.products)
    ledger = StockMovement.objects.count()
    middle = START + timedelta(seconds=ledger // 2)
    quants = Quant.objects.filter(warehouse__code="ASOF")
    product = quants.order_by("id").values_list("product_id", flat=True).first()
    location = quants.order_by("id").values_list("location_id", flat=True).first()
    print(f"{ledger:,} ledger rows, {quants.count():,} quants; as_of = {middle.isoformat()}")

    def page(queryset):
        rows = list(queryset[:50])
        return f"{len(rows)} rows, first {rows[0].shown_quantity if rows else '-'}"

    # The API pages quants by id (keyset, no count); the selector's own order is by path.
    timed(
        "quants as_of, first page of 50 (API order)",
        lambda: page(quant_list(as_of=middle).order_by("id")),
        args.repeat,
    )
    halfway = quants.order_by("id").values_list("id", flat=True)[quants.count() // 2]
    timed(
        "quants as_of, a page in the middle (next cursor)",
        lambda: page(quant_list(as_of=middle).filter(id__gt=halfway).order_by("id")),
        args.repeat,
    )
    timed(
        f"quants as_of, one product ({args.locations} locations)",
        lambda: page(quant_list(as_of=middle).filter(product_id=product)),
        args.repeat,
    )
    timed(
        "quants as_of, one location, first page",
        lambda: page(quant_list(as_of=middle).filter(location_id=location)),
        args.repeat,
    )
    timed(
        "stock as_of, one product's warehouse row",
        lambda: page(stock_as_of(stock_list().filter(product_id=product), middle)),
        args.repeat,
    )
    timed(
        "quants now, first page of 50 (for comparison)",
        lambda: page(quant_list().order_by("id")),
        args.repeat,
    )


if __name__ == "__main__":
    main()
