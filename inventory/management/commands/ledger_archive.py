from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from inventory.archive import archive, restore
from wms.db import maintenance_wait
from wms.exceptions import DomainError
from wms.management.arguments import month


class Command(BaseCommand):
    help = (
        "Close the ledger before a month: write each quant's balance at its first instant "
        "(ledger_closings) and detach the monthly partitions before it into the `archive` "
        "schema (never dropped), in one transaction. --restore attaches every archived month "
        "again. reconcile_stock, stock as of any later instant and the movements after it "
        "answer as before; stock as of an earlier instant answers 410 period_archived."
    )

    def add_arguments(self, parser):
        action = parser.add_mutually_exclusive_group(required=True)
        action.add_argument("--before", type=month, help="The first month kept (YYYY-MM).")
        action.add_argument("--restore", action="store_true", help="Attach the archive again.")

    def handle(self, *args, before: date | None, **options):
        if connection.vendor != "postgresql":
            raise CommandError("The ledger is partitioned on PostgreSQL only.")
        try:
            with maintenance_wait():
                if options["restore"]:
                    self._restore()
                else:
                    self._archive(before)
        except DomainError as exc:
            raise CommandError(exc.message) from None

    def _archive(self, before: date):
        cut, names, closings = archive(before)
        for name in names:
            self.stdout.write(f"archived {name}")
        self.stdout.write(
            self.style.SUCCESS(
                f"Ledger closed at {cut:%Y-%m-%d %H:%M} UTC: {closings:,} quant balance(s) "
                f"written, {len(names)} month(s) moved to the archive schema."
            )
        )

    def _restore(self):
        names = restore()
        for name in names:
            self.stdout.write(f"attached {name}")
        self.stdout.write(self.style.SUCCESS(f"{len(names)} archived month(s) attached again."))
