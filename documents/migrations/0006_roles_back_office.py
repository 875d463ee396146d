"""The role groups gain the back office's permissions: everyone reads reorder points and
posting failures, managers set reorder points."""

from django.db import migrations

from documents.roles import sync_roles_migration


def forwards(apps, schema_editor):
    sync_roles_migration(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("documents", "0005_managers_delete_unused_records"),
        ("inventory", "0004_reorder_points"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
