"""Create the Warehouse clerk and Warehouse manager groups.

On a fresh database Django creates permissions only after all migrations have run
(post_migrate), so they are created here first.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

from documents.roles import ROLE_PERMISSIONS, sync_roles


def forwards(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, verbosity=0)
        app_config.models_module = None
    sync_roles(apps.get_model("auth", "Group"), apps.get_model("auth", "Permission"))


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
