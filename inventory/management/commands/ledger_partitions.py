from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone

from inventory.month_close import close_months
from wms.partitions import registered


class Command(BaseCommand):
    help = (
        "Make the monthly partitions of the ledger and of the audit trail from this month to "
        "--ahead months later (run daily: it is idempotent), close every month that has ended "
        "(each quant's balance at the next month's start, for stock as of an instant: "
        "inventory/closings.py), then list each partition with its rows and size. Exits 1 if "
        "a DEFAULT partition holds rows, rows no month partition takes (PostgreSQL)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--ahead",
            type=int,
            default=3,
            help="Months after the current one to make partitions for (default 3).",
        )
        parser.add_argument("--quiet", action="store_true", help="Do not list the partitions.")

    def handle(self, *args, ahead: int, quiet: bool, **options):
        if connection.vendor != "postgresql":
            self.stdout.write("The ledger is a plain table on this database: nothing to do.")
            return
        if ahead < 0:
            raise CommandError("--ahead must be 0 or more.")
        tables = registered()
        with transaction.atomic(), connection.cursor() as cursor:
            for table in tables:
                if not table.is_partitioned(cursor):
                    raise CommandError(
                        f"{table.table} is not partitioned: run `manage.py migrate`."
                    )
            made = [
                name
                for table in tables
                for name in table.ensure_months(cursor, timezone.now().date(), ahead + 1)
            ]
            found = [part for table in tables for part in table.partitions(cursor)]
        for name in made:
            self.stdout.write(f"made {name}")
        for closed in close_months():
            self.stdout.write(f"closed at {closed.closed_at:%Y-%m-%d}: {closed.closings:,} quants")
        if not quiet:
            for part in found:
                self.stdout.write(
                    f"{part.name:<28} {part.rows:>12,} rows {part.bytes / 2**20:>10.1f} MiB  "
                    f"{part.bounds}"
                )
        defaults = {table.default for table in tables}
        full = [part for part in found if part.name in defaults and part.rows]
        if full:
            raise CommandError(
                "; ".join(f"{part.name} holds {part.rows} row(s)" for part in full)
                + " outside every month partition: see docs/operations.md (Ledger partitions).",
                returncode=1,
            )
        self.stdout.write(
            self.style.SUCCESS(f"{len(found)} partitions; every DEFAULT partition is empty.")
        )
