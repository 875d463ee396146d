"""The ledger becomes partitioned by month on PostgreSQL (SQLite keeps its plain table).

A populated ledger is converted in place: copied into the partitioned table under a SHARE lock
(reads go on, postings wait), then the names are swapped (inventory/partition_convert.py says
how, docs/operations.md how long it took on 10 million rows). The current and next months'
partitions are made here; `manage.py ledger_partitions` makes the later ones.
"""

from django.db import migrations

from inventory.partition_convert import to_partitioned, to_plain
from wms.db import maintenance_wait


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        with maintenance_wait(), schema_editor.connection.cursor() as cursor:
            to_partitioned(cursor)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        with maintenance_wait(), schema_editor.connection.cursor() as cursor:
            to_plain(cursor)


class Migration(migrations.Migration):
    dependencies = [("inventory", "0009_uom_decimals_packagings")]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
