"""The role groups gain packagings: everyone reads them, managers keep them."""

from django.db import migrations

from documents.migrations import _roles


class Migration(migrations.Migration):
    dependencies = [
        ("documents", "0012_line_packaging"),
        ("inventory", "0009_uom_decimals_packagings"),
    ]

    operations = [migrations.RunPython(_roles.forwards, migrations.RunPython.noop)]
