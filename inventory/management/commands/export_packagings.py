from django.core.management.base import BaseCommand, CommandError

from inventory.models import Product
from inventory.services import packagings_export


class Command(BaseCommand):
    help = (
        "Write packagings as CSV (the columns import_packagings reads, quantity in whole stock "
        "steps) to standard output or --output, for every product or those of --sku."
    )

    def add_arguments(self, parser):
        parser.add_argument("--output", help="a file to write instead of standard output")
        parser.add_argument("--sku", action="append", help="only this product's (repeatable)")

    def handle(self, *args, output, sku, **options):
        ids = None
        if sku:
            found = dict(Product.objects.filter(sku__in=sku).values_list("sku", "pk"))
            unknown = sorted(set(sku) - found.keys())
            if unknown:
                raise CommandError(f"No product has the sku {', '.join(unknown)}.")
            ids = list(found.values())
        lines = packagings_export(product_ids=ids)
        if output is None:
            for line in lines:
                self.stdout.write(line, ending="")
            return
        try:
            with open(output, "w", encoding="utf-8", newline="") as target:
                target.writelines(lines)
        except OSError as exc:
            raise CommandError(f"Cannot write {output}: {exc.strerror}.") from exc
