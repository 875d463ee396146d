from django.apps import AppConfig
from django.db.models.signals import post_migrate


def ledger_months_ahead(sender, using, **kwargs):
    """Every `migrate` makes the ledger's current and next months' partitions (PostgreSQL)."""
    from django.db import connections
    from django.utils import timezone

    from inventory.partitions import LEDGER

    connection = connections[using]
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        if LEDGER.is_partitioned(cursor):
            LEDGER.ensure_months(cursor, timezone.now().date(), 2)


class InventoryConfig(AppConfig):
    name = "inventory"

    def ready(self):
        from inventory.partitions import LEDGER
        from wms.partitions import register

        register(LEDGER)
        post_migrate.connect(ledger_months_ahead, sender=self)
