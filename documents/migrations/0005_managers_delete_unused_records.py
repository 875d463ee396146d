"""Managers may delete products and warehouses (refused while anything refers to them)."""

from django.db import migrations

MANAGER = "Warehouse manager"  # the group's name then: a migration keeps its own copy

DELETES = [("inventory", "delete_product"), ("warehouses", "delete_warehouse")]


def permissions(apps):
    Permission = apps.get_model("auth", "Permission")
    return [
        Permission.objects.get(content_type__app_label=app_label, codename=codename)
        for app_label, codename in DELETES
    ]


def forwards(apps, schema_editor):
    for group in apps.get_model("auth", "Group").objects.filter(name=MANAGER):
        group.permissions.add(*permissions(apps))


def backwards(apps, schema_editor):
    for group in apps.get_model("auth", "Group").objects.filter(name=MANAGER):
        group.permissions.remove(*permissions(apps))


class Migration(migrations.Migration):
    dependencies = [("documents", "0004_posting_failures")]

    operations = [migrations.RunPython(forwards, backwards)]
