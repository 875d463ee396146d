"""The two staff roles, as Django groups, shared by the API and the admin."""

CLERK = "Warehouse clerk"
MANAGER = "Warehouse manager"

_VIEW_EVERYTHING = [
    "warehouses.view_warehouse",
    "inventory.view_product",
    "inventory.view_warehouseinventory",
    "inventory.view_inventory",
    "inventory.view_stockmovement",
    "documents.view_document",
    "documents.view_documentline",
    "inventory.view_reorderpoint",
    "documents.view_postingfailure",
]
_DRAFTS = [
    "documents.add_document",
    "documents.change_document",
    "documents.delete_document",
    "documents.add_documentline",
    "documents.change_documentline",
    "documents.delete_documentline",
]

ROLE_PERMISSIONS = {
    # Receives, ships and moves goods; corrections and cancelling are left to a manager.
    CLERK: [*_VIEW_EVERYTHING, *_DRAFTS, "documents.post_document"],
    MANAGER: [
        *_VIEW_EVERYTHING,
        *_DRAFTS,
        "documents.post_document",
        "documents.post_stock_correction",
        "documents.cancel_document",
        "inventory.add_product",
        "inventory.change_product",
        # Deleting is refused (409 in_use) while anything refers to the record, so this only
        # ever removes a mistake nobody used yet.
        "inventory.delete_product",
        "inventory.add_reorderpoint",
        "inventory.change_reorderpoint",
        "inventory.delete_reorderpoint",
        "warehouses.add_warehouse",
        "warehouses.change_warehouse",
        "warehouses.delete_warehouse",
    ],
}


def sync_roles(group_model, permission_model, *, missing_ok: bool = False) -> None:
    """Create or update the role groups so that each has exactly its permissions.

    ``missing_ok`` is for the first roles migration: permissions of models that later
    migrations create do not exist yet there, and the migration adding them syncs again.
    """
    for name, perms in ROLE_PERMISSIONS.items():
        group, _ = group_model.objects.get_or_create(name=name)
        wanted = []
        for perm in perms:
            app_label, codename = perm.split(".")
            found = permission_model.objects.filter(
                content_type__app_label=app_label, codename=codename
            ).first()
            if found is None and not missing_ok:
                raise LookupError(f"No permission {perm}: is its model migrated?")
            if found is not None:
                wanted.append(found)
        group.permissions.set(wanted)


def sync_roles_migration(apps, *, missing_ok: bool = False) -> None:
    """sync_roles from a data migration. On a fresh database Django creates permissions only
    after all migrations have run (post_migrate), so they are created here first."""
    from django.contrib.auth.management import create_permissions

    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, verbosity=0)
        app_config.models_module = None
    sync_roles(
        apps.get_model("auth", "Group"), apps.get_model("auth", "Permission"), missing_ok=missing_ok
    )
