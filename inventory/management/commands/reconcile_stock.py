from django.core.management.base import BaseCommand, CommandError

from inventory.selectors import stock_mismatches


class Command(BaseCommand):
    help = (
        "Check that every quant equals the sum of its ledger rows and each row's balance_after "
        "its running sum, that stock rows sum their quants and totals their stock rows "
        "(quantity and reserved), that nothing is negative or reserved beyond what it "
        "holds, and that no shipment's returns brought back more than it shipped. Prints each "
        "mismatch and exits 1 if there is any."
    )

    def handle(self, *args, **options):
        mismatches = stock_mismatches()
        for mismatch in mismatches:
            self.stderr.write(f"MISMATCH {mismatch.kind}: {mismatch}")
        if mismatches:
            raise CommandError(f"{len(mismatches)} mismatch(es) found.", returncode=1)
        self.stdout.write(self.style.SUCCESS("Quants, ledger, stock rows and totals agree."))
