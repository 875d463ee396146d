"""The dashboard's queries, and the ledger page's balances, at a million ledger rows.

    createdb -h 127.0.0.1 -U postgres wms_bench_reads
    DB_STATEMENT_TIMEOUT=900 DATABASE_URL=postgres://postgres@127.0.0.1:5432/wms_bench_reads \
        python bench/dashboard_reads.py

(The first run's INSERT of a million ledger rows takes longer than the default 15 s limit of a
statement.)

The first run fills the database (kept for the next runs): 20 warehouses x 2,000 products of
stock, 5,000 reorder points, 2,000 drafts, 20,000 posting failures and --ledger movements
(default 1,000,000) spread over the last --days days (default 60), written with one
INSERT ... SELECT generate_series; then (once, also on a database filled before they were
measured) 20,000 lots of 2,000 lot-tracked products, each with a quant, expiring over a year,
and 1,000 of the drafts reserved. Then each figure of documents.dashboard is run --repeat
times; the median and the slowest run are printed in ms, with the plan's top node. As a
yardstick on the same machine in the same run, the last line times a bare
`SELECT count(*)` of the whole ledger.
"""

import argparse
import statistics
import sys
import time
from datetime import timedelta

from django.core.cache import cache  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402
from django_setup import ROOT  # noqa: E402, F401 - sets Django up

from documents import dashboard  # noqa: E402
from documents.models import PostingFailure  # noqa: E402
from documents.services import LineInput, document_create  # noqa: E402
from inventory.models import (  # noqa: E402
    Lot,
    Product,
    Quant,
    ReorderPoint,
    StockMovement,
    WarehouseInventory,
)
from inventory.selectors import below_reorder_point, movement_balances, reorder_point_list  # noqa: E402
from warehouses.models import Warehouse  # noqa: E402

WAREHOUSES, PRODUCTS, POINTS, DRAFTS, FAILURES = 20, 2_000, 5_000, 2_000, 20_000
LOTS_PER_PRODUCT, RESERVED = 10, 1_000
LEDGER_REFERENCE = "BENCH-LEDGER"


def set_up(ledger: int, days: int) -> None:
    call_command("migrate", verbosity=0)
    if not Warehouse.objects.filter(code__startswith="BENCH-").exists():
        started = time.perf_counter()
        with transaction.atomic():  # all or nothing: a failed set-up leaves no half database
            _fill(ledger, days)
        took = time.perf_counter() - started
        print(f"set-up: {ledger:,} ledger rows over {days} days in {took:.0f} s")
    if not Lot.objects.filter(code__startswith="BENCH-").exists():
        with transaction.atomic():
            _fill_lots_and_reservations()
        print(f"set-up: {PRODUCTS * LOTS_PER_PRODUCT:,} lots with quants, {RESERVED:,} reserved")


def _fill_lots_and_reservations() -> None:
    """Lots expiring from a month ago to eleven months ahead, one quant each (a seventh of them
    empty) at its warehouse's root; reserved shipments, each holding one quant."""
    warehouses = list(Warehouse.objects.filter(code__startswith="BENCH-").order_by("code"))
    roots = {w.pk: w.default_location_id for w in warehouses}
    products = Product.objects.bulk_create(
        Product(sku=f"BENCH-LOT-{i:05d}", name=f"Bench lot product {i}", tracking="lot")
        for i in range(PRODUCTS)
    )
    today = timezone.localdate()
    lots = Lot.objects.bulk_create(
        Lot(
            product=p,
            code=f"BENCH-{n}",
            expires_on=today + timedelta(days=(p.pk * 7 + n * 37) % 365 - 30),
        )
        for p in products
        for n in range(LOTS_PER_PRODUCT)
    )
    Quant.objects.bulk_create(
        Quant(
            warehouse=warehouses[i % WAREHOUSES],
            location_id=roots[warehouses[i % WAREHOUSES].pk],
            product_id=lot.product_id,
            lot=lot,
            quantity=i % 7,
        )
        for i, lot in enumerate(lots)
    )
    with connection.cursor() as cursor:
        cursor.execute(
            """
            WITH chosen AS (
                SELECT d.id FROM documents d
                WHERE d.status = 'draft' AND d.doc_type = 'shipment' ORDER BY d.id LIMIT %s
            ), reserved AS (
                UPDATE documents d SET status = 'reserved' FROM chosen WHERE d.id = chosen.id
                RETURNING d.id
            )
            INSERT INTO stock_reservations (document_id, document_line_id, quant_id, quantity,
                                            created_at)
            SELECT l.document_id, l.id,
                   (SELECT q.id FROM stock_quants q WHERE q.quantity > 0 ORDER BY q.id LIMIT 1),
                   1, %s - (l.id %% 100) * interval '1 hour'
            FROM document_lines l JOIN reserved ON reserved.id = l.document_id
            """,
            [RESERVED, timezone.now()],
        )


def _fill(ledger: int, days: int) -> None:
    warehouses = Warehouse.objects.bulk_create(
        Warehouse(code=f"BENCH-{i:02d}", name=f"Bench {i}") for i in range(WAREHOUSES)
    )
    products = Product.objects.bulk_create(
        Product(sku=f"BENCH-{i:05d}", name=f"Bench product {i}") for i in range(PRODUCTS)
    )
    WarehouseInventory.objects.bulk_create(
        WarehouseInventory(warehouse=w, product=p, quantity=(w.pk * p.pk) % 50)
        for w in warehouses
        for p in products
    )
    # The same stock as quants at each warehouse's root: ledger rows name the quant they moved.
    Quant.objects.bulk_create(
        Quant(
            warehouse=w,
            location_id=w.default_location_id,
            product=p,
            quantity=(w.pk * p.pk) % 50,
        )
        for w in warehouses
        for p in products
    )
    ReorderPoint.objects.bulk_create(
        ReorderPoint(
            warehouse=warehouses[i % WAREHOUSES],
            product=products[i // WAREHOUSES],
            min_quantity=20,
            target_quantity=60,
        )
        for i in range(POINTS)
    )
    # The ledger's rows name a document line: one 2,000-line document per warehouse.
    for w in warehouses:
        document_create(
            doc_type="receipt",
            warehouse_id=w.pk,
            reference=LEDGER_REFERENCE,
            lines=[LineInput(p.pk, 1) for p in products],
        )
    for i in range(DRAFTS):
        document_create(
            doc_type=("receipt", "shipment")[i % 2],
            warehouse_id=warehouses[i % WAREHOUSES].pk,
            lines=[LineInput(products[i % PRODUCTS].pk, 1)],
        )
    now = timezone.now()
    PostingFailure.objects.bulk_create(
        PostingFailure(reason="insufficient_stock", doc_type="shipment") for _ in range(FAILURES)
    )
    with connection.cursor() as cursor:
        # Spread the failures over 30 days (the table is not append-only).
        cursor.execute(
            "UPDATE document_post_failures SET created_at = %s - (id %% 30) * interval '1 day'",
            [now],
        )
        cursor.execute(
            """
            WITH lines AS (
                SELECT row_number() OVER (ORDER BY l.id) - 1 AS n, l.id, l.document_id,
                       l.product_id, d.warehouse_id, q.id AS quant_id, q.location_id,
                       q.quantity AS balance
                FROM document_lines l JOIN documents d ON d.id = l.document_id
                JOIN stock_quants q ON q.warehouse_id = d.warehouse_id
                    AND q.product_id = l.product_id AND q.lot_id IS NULL
                WHERE d.reference = %s
            ), total AS (SELECT count(*) AS c FROM lines)
            INSERT INTO stock_movements
                (document_id, document_line_id, warehouse_id, product_id, quant_id,
                 location_id, quantity, balance_after, is_reversal, created_at)
            SELECT lines.document_id, lines.id, lines.warehouse_id, lines.product_id,
                   lines.quant_id, lines.location_id, 1 + g %% 5, lines.balance, false,
                   %s - (g::float / %s) * %s * interval '1 day'
            FROM generate_series(0, %s - 1) g, total
            JOIN lines ON true
            WHERE lines.n = g %% total.c
            """,
            [LEDGER_REFERENCE, now, ledger, days, ledger],
        )


def timed(fn, repeat: int) -> tuple[float, float, int]:
    runs, queries = [], 0
    for _ in range(repeat):
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            fn()
            runs.append((time.perf_counter() - started) * 1000)
        queries = len(captured)
    return statistics.median(runs), max(runs), queries


def plan(fn) -> str:
    with CaptureQueriesContext(connection) as captured:
        fn()
    sql = captured.captured_queries[-1]["sql"]
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN {sql}")
        lines = [row[0] for row in cursor.fetchall()]
    scans = [
        line.strip().removeprefix("->").strip().split("  (cost")[0]
        for line in lines
        if "Scan" in line
    ]
    return "; ".join(dict.fromkeys(scans))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--ledger", type=int, default=1_000_000)
    parser.add_argument("--days", type=int, default=60)
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("Run it on PostgreSQL: set DATABASE_URL.")
    set_up(args.ledger, args.days)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    now = timezone.now()
    figures = {
        "stock by warehouse": dashboard._stock_by_warehouse,
        "below reorder point": lambda: below_reorder_point(reorder_point_list()).count(),
        "drafts waiting": dashboard._drafts_waiting,
        "reserved waiting": dashboard._reserved_waiting,
        "lots expiring soon (2 queries)": lambda: dashboard.lots_expiring(
            today=timezone.localdate(now)
        ),
        "failures, last day": lambda: PostingFailure.objects.filter(
            created_at__gte=now - timedelta(days=1)
        ).count(),
        "movements per day, cold cache": lambda: (
            cache.clear(),
            dashboard.movements_per_day(now=now),
        ),
        "movements per day, warm cache": lambda: dashboard.movements_per_day(now=now),
        "the whole start page": lambda: dashboard.dashboard_figures(now=now),
    }
    print(f"{'figure':30} {'median ms':>10} {'max ms':>8} {'queries':>8}  plan")
    for name, fn in figures.items():
        median, worst, queries = timed(fn, args.repeat)
        shown = plan(fn) if name != "the whole start page" else ""
        print(f"{name:30} {median:10.1f} {worst:8.1f} {queries:8d}  {shown}")

    # The ledger's admin page: the balance after each of a page's 100 rows, at three depths.
    ids = StockMovement.objects.order_by("-id").values_list("id", flat=True)
    total = ids.count()
    for name, offset in (("newest", 0), ("middle", total // 2), ("oldest", total - 100)):
        page = list(ids[offset : offset + 100])
        median, worst, queries = timed(
            lambda p=page: movement_balances(movement_ids=p), args.repeat
        )
        print(f"{'ledger page balances, ' + name:30} {median:10.1f} {worst:8.1f} {queries:8d}")

    def count_ledger():
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM stock_movements")
            return cursor.fetchone()

    median, worst, _ = timed(count_ledger, args.repeat)
    print(f"{'yardstick: count(*) of ledger':30} {median:10.1f} {worst:8.1f}")


if __name__ == "__main__":
    main()
