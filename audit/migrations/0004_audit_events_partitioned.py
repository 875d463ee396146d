"""The trail becomes partitioned by month on PostgreSQL (SQLite keeps its plain table).

A populated trail is converted in place like the ledger (wms/partition_convert.py): copied
into the partitioned table under a SHARE lock (reads go on, writers wait), then the names are
swapped, every index and constraint name kept, the unique seal number and the primary key
gaining ``created_at``. The function that hashes a row takes the table's row type, so it is
dropped with the old table and made again, with the triggers, on the new one and each of its
partitions (audit.postgres). docs/operations.md says how long it took on a million rows.
"""

from django.db import migrations

from audit.partitions import AUDIT_EVENTS
from audit.postgres import DROP_ROW_FUNCTION, install_own
from wms import partition_convert
from wms.db import maintenance_wait


def _drop_row_function(cursor):
    cursor.execute(DROP_ROW_FUNCTION)


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        with maintenance_wait(), schema_editor.connection.cursor() as cursor:
            partition_convert.to_partitioned(
                cursor, AUDIT_EVENTS, before_drop=_drop_row_function, after_swap=install_own
            )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        with maintenance_wait(), schema_editor.connection.cursor() as cursor:
            partition_convert.to_plain(
                cursor,
                AUDIT_EVENTS,
                before_drop=_drop_row_function,
                after_swap=install_own,
                restore_hint="audit_archive --restore",
            )


class Migration(migrations.Migration):
    dependencies = [("audit", "0003_archives")]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
