"""Once created the Warehouse clerk and Warehouse manager groups.

The groups are now created and synced after every migrate, from each app's roles.py
(wms.roles, post_migrate): a migration importing live code breaks once that code moves on.
Kept as a no-op so that the migration graph of existing databases is unchanged.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("documents", "0002_initial"),
        ("inventory", "0002_stock_movements_append_only"),
        ("warehouses", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(migrations.RunPython.noop, migrations.RunPython.noop)]
