"""Create the Warehouse clerk and Warehouse manager groups.

On a fresh database Django creates permissions only after all migrations have run
(post_migrate), so they are created here first.
"""

from django.db import migrations

from documents.roles import ROLE_PERMISSIONS, sync_roles_migration


def forwards(apps, schema_editor):
    sync_roles_migration(apps, missing_ok=True)


def backwards(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=ROLE_PERMISSIONS).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("documents", "0002_initial"),
        ("inventory", "0002_stock_movements_append_only"),
        ("warehouses", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
