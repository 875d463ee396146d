"""Once gave the Warehouse manager role its webhook permissions; the roles are now synced after
every migrate from each app's roles.py (wms.roles, post_migrate). Kept as a no-op so that the
migration graph of existing databases is unchanged."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("integrations", "0001_initial"),
        ("documents", "0003_roles"),
    ]

    operations = [migrations.RunPython(migrations.RunPython.noop, migrations.RunPython.noop)]
