from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError

from wms.schema import expected_names, missing_names


class Command(BaseCommand):
    help = (
        "Check that the database has every index and constraint the deployment guide names "
        "(ix_products_name, ix_documents_status_created_at, check_inventory_quantity_positive, "
        "...) and every one the models declare. Prints what is missing and exits 1 if anything "
        "is."
    )

    def handle(self, *args, **options):
        try:
            missing = missing_names()
        except DatabaseError as exc:
            raise CommandError(f"Could not read the schema: {exc}", returncode=1) from exc
        for table, name in missing:
            self.stderr.write(f"MISSING {name} on table {table}")
        if missing:
            raise CommandError(
                f"{len(missing)} index(es) or constraint(s) missing; run `manage.py migrate`.",
                returncode=1,
            )
        checked = sum(len(names) for names in expected_names().values())
        self.stdout.write(self.style.SUCCESS(f"Schema OK: {checked} indexes and constraints."))
