from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from inventory.selectors import stock_mismatches
from wms.db import maintenance_wait


class Command(BaseCommand):
    help = (
        "Check that every quant equals the sum of its ledger rows and each row's balance_after "
        "its running sum, that stock rows sum their quants and totals their stock rows "
        "(quantity and reserved), that nothing is negative or reserved beyond what it "
        "holds, and that no shipment's returns brought back more than it shipped. Prints each "
        "mismatch and exits 1 if there is any."
    )

    def handle(self, *args, **options):
        # A whole ledger is read: tens of seconds at ten million rows (docs/operations.md).
        with maintenance_wait():
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute("SET statement_timeout = 0")
            mismatches = stock_mismatches()
        for mismatch in mismatches:
            self.stderr.write(f"MISMATCH {mismatch.kind}: {mismatch}")
        if mismatches:
            raise CommandError(f"{len(mismatches)} mismatch(es) found.", returncode=1)
        self.stdout.write(self.style.SUCCESS("Quants, ledger, stock rows and totals agree."))
