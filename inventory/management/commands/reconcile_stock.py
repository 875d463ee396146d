from django.core.management.base import BaseCommand, CommandError

from inventory.selectors import stock_mismatches


class Command(BaseCommand):
    help = (
        "Check that every stock row equals the sum of its ledger movements, that every product "
        "total equals the sum of its stock rows, and that nothing is negative. Prints each "
        "mismatch and exits 1 if there is any."
    )

    def handle(self, *args, **options):
        mismatches = stock_mismatches()
        for mismatch in mismatches:
            self.stderr.write(f"MISMATCH {mismatch.kind}: {mismatch}")
        if mismatches:
            raise CommandError(f"{len(mismatches)} mismatch(es) found.", returncode=1)
        self.stdout.write(self.style.SUCCESS("Stock, ledger and totals agree."))
