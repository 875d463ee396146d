"""Give the Warehouse manager role its webhook permissions."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

from documents.roles import sync_roles


def forwards(apps, schema_editor):
    # On a fresh database permissions are created only after all migrations (post_migrate).
    app_config = apps.get_app_config("integrations")
    app_config.models_module = True
    create_permissions(app_config, verbosity=0)
    app_config.models_module = None
    sync_roles(apps.get_model("auth", "Group"), apps.get_model("auth", "Permission"))


class Migration(migrations.Migration):
    dependencies = [
        ("integrations", "0001_initial"),
        ("documents", "0003_roles"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
