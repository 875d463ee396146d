"""The role groups gain the back office's permissions: everyone reads reorder points and
posting failures, managers set reorder points."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("documents", "0006_roles_locations_lots"),
        ("inventory", "0005_reorder_points"),
    ]

    operations = [migrations.RunPython(migrations.RunPython.noop, migrations.RunPython.noop)]
