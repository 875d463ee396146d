from time import perf_counter

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

from documents.loadgen import post_through_services
from inventory import loadgen_ledger, loadgen_steps, loadgen_sums
from inventory.loadgen import Sizes, start_of
from inventory.month_close import close_months, reopen_after
from inventory.selectors import stock_mismatches
from warehouses.models import Warehouse
from wms.db import maintenance_wait
from wms.exceptions import DomainError

FLAGS = {
    "products": "products (a tenth lot-tracked, a hundredth serial)",
    "warehouses": "warehouses (codes LG00, LG01, ...)",
    "zones": "zones per warehouse",
    "aisles": "aisles per zone",
    "shelves": "shelves per aisle (each shelf is a location holding stock)",
    "documents": "documents of every type and state",
    "movements": "ledger rows (about: whole rounds of every quant)",
    "days": "days of history, ending now",
}


# Enough of each kind to page through and to post against, small beside the bulk: some
# 3 minutes on two busy cores (docs/operations.md, "Load data").
SERVICE_DOCUMENTS = 2_000


class Command(BaseCommand):
    help = (
        "Fill PostgreSQL with a big, consistent warehouse for load tests, set-based in SQL: "
        "products, warehouses with a zone/aisle/shelf tree, documents of every type and state "
        "over two years and their ledger, then quants, stock rows and totals summed from it. "
        "Then, through the services, posted transfers, posted returns of posted shipments, "
        "postings cancelled with their reversals and backorders. "
        "Adds to what is there (new codes LG.., SKUs LG-..); runs reconcile_stock at the end."
    )

    def add_arguments(self, parser):
        defaults = Sizes()
        for name, text in FLAGS.items():
            default = getattr(defaults, name)
            parser.add_argument(
                f"--{name}", type=int, default=default, help=f"{text} ({default:,})"
            )
        parser.add_argument(
            "--service-documents",
            type=int,
            default=SERVICE_DOCUMENTS,
            help="documents made through the services after the bulk, a quarter each: posted "
            "transfers, posted returns (each with its shipment), posted then cancelled, short "
            f"shipments (each with its backorder); 0: none ({SERVICE_DOCUMENTS:,})",
        )
        parser.add_argument("--no-reconcile", action="store_true", help="Skip reconcile_stock.")

    def handle(self, *args, no_reconcile: bool, service_documents: int, **options):
        if connection.vendor != "postgresql":
            raise CommandError("generate_load_data writes PostgreSQL SQL: set DATABASE_URL.")
        sizes = Sizes(**{name: options[name] for name in FLAGS})
        if min(sizes.products, sizes.warehouses, sizes.documents, sizes.movements) < 1 or (
            sizes.per_warehouse < 2
        ):
            raise CommandError("Every size must be at least 1 (and 2 products per document).")
        if service_documents < 0:
            raise CommandError("--service-documents is a count: 0 or more.")
        self.say(
            f"{sizes.products:,} products, {sizes.warehouses} warehouses x "
            f"{sizes.shelves_per_warehouse:,} shelves, {sizes.quants:,} quants, "
            f"{sizes.posted + sizes.others:,} documents ({sizes.posted:,} posted, "
            f"{sizes.lines} lines each), {sizes.rows:,} ledger rows"
        )
        self.started = perf_counter()
        with maintenance_wait():
            with transaction.atomic(), connection.cursor() as cursor:
                self.build(cursor, sizes)
            self.say("committed")
            # What the daily ledger_partitions run would have closed over these two years.
            closed = close_months()
            self.say(f"ledger closed monthly ({len(closed)} months)")
            with connection.cursor() as cursor:
                # VACUUM too: the visibility map lets index-only scans skip the heap, as on a
                # database autovacuum has been through.
                # (Inside a caller's transaction, a test's, VACUUM cannot run: ANALYZE only.)
                # It waits for autovacuum (or anyone's maintenance) on a table rather than give
                # up after the request's lock budget; both settings go back afterwards.
                cursor.execute("SET statement_timeout = 0")
                cursor.execute("SET lock_timeout = 0")
                cursor.execute("ANALYZE" if connection.in_atomic_block else "VACUUM (ANALYZE)")
                cursor.execute("RESET lock_timeout")
                cursor.execute("RESET statement_timeout")
            self.say("vacuumed and analyzed")
            # After the closings: these movements are now, in a month no closing covers yet.
            # After ANALYZE: without statistics, a return's check of its shipment's ledger
            # is planned badly (about 15 times slower).
            codes = [f"LG{w:02d}" for w in range(sizes.warehouses)]
            warehouses = Warehouse.objects.filter(code__in=codes).order_by("code")
            post_through_services(
                count=service_documents,
                warehouse_ids=list(warehouses.values_list("pk", flat=True)),
                say=self.say,
            )
            if not no_reconcile:
                self.reconcile()

    def build(self, cursor, sizes: Sizes):
        cursor.execute("SET LOCAL statement_timeout = 0")
        cursor.execute("SELECT 1 FROM warehouses WHERE code = 'LG00'")
        if cursor.fetchone():
            raise CommandError("Load data is already here (warehouse LG00).")
        start = start_of(sizes)
        try:  # closings after the first new movement no longer hold: made again at the end
            reopen_after(start)
        except DomainError as exc:
            raise CommandError(exc.message) from None
        base = loadgen_steps.bases(cursor)
        loadgen_steps.ensure_ledger_months(cursor, start)
        loadgen_steps.warehouses(cursor, sizes, start)
        # From here on no trigger fires: no foreign-key event per row (see inventory/loadgen.py).
        cursor.execute("SET LOCAL session_replication_role = replica")
        self.say("warehouses and locations")
        loadgen_steps.products_and_lots(cursor, sizes, base, start)
        self.say("products and lots")
        loadgen_steps.quants(cursor, sizes, base, start)
        self.say("quants")
        loadgen_ledger.plan_documents(cursor, sizes, base, start)
        loadgen_ledger.write_documents(cursor, sizes)
        self.say("documents")
        loadgen_ledger.write_ledger(cursor, sizes, base, self.say)
        loadgen_sums.other_lines(cursor, sizes, base)
        self.say("unposted documents' lines and reservations")
        loadgen_sums.sums(cursor, sizes, base)
        loadgen_steps.finish(cursor)
        cursor.execute("SET LOCAL session_replication_role = DEFAULT")
        self.say("stock rows, totals, reorder points")

    def reconcile(self):
        started = perf_counter()
        mismatches = stock_mismatches()
        took = perf_counter() - started
        for mismatch in mismatches[:20]:
            self.stderr.write(f"MISMATCH {mismatch.kind}: {mismatch}")
        if mismatches:
            raise CommandError(f"reconcile_stock: {len(mismatches)} mismatch(es) in {took:.1f} s.")
        self.stdout.write(self.style.SUCCESS(f"reconcile_stock: all agree ({took:.1f} s)."))

    def say(self, text: str):
        took = perf_counter() - getattr(self, "started", perf_counter())
        self.stdout.write(f"[{took:7.1f} s] {text}")
        self.stdout.flush()
