"""The role groups gain the permissions of locations, lots and quants."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("documents", "0005_line_locations_lots"),
        ("documents", "0005_managers_delete_unused_records"),
        ("warehouses", "0002_locations"),
        ("inventory", "0003_lots_quants_ledger"),
    ]

    operations = [migrations.RunPython(migrations.RunPython.noop, migrations.RunPython.noop)]
