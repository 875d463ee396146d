"""The two staff roles, as Django groups, shared by the API and the admin."""

CLERK = "Warehouse clerk"
MANAGER = "Warehouse manager"

_VIEW_EVERYTHING = [
    "warehouses.view_warehouse",
    "warehouses.view_location",
    "inventory.view_lot",
    "inventory.view_quant",
    "inventory.view_product",
    "inventory.view_packaging",
    "inventory.view_warehouseinventory",
    "inventory.view_inventory",
    "inventory.view_stockmovement",
    "documents.view_document",
    "documents.view_documentline",
    "inventory.view_reorderpoint",
    "documents.view_postingfailure",
]
_DRAFTS = [
    "documents.view_picklist",
    "documents.add_picklist",
    "documents.add_document",
    "documents.change_document",
    "documents.delete_document",
    "documents.add_documentline",
    "documents.change_documentline",
    "documents.delete_documentline",
]

ROLE_PERMISSIONS = {
    # Receives, ships and moves goods; corrections, returns and cancelling are left to a
    # manager (a clerk may draft them).
    CLERK: [*_VIEW_EVERYTHING, *_DRAFTS, "documents.post_document"],
    MANAGER: [
        *_VIEW_EVERYTHING,
        *_DRAFTS,
        "documents.post_document",
        "documents.post_stock_correction",
        "documents.post_return",
        "documents.cancel_document",
        "inventory.add_product",
        "inventory.change_product",
        # Deleting is refused (409 in_use) while anything refers to the record, so this only
        # ever removes a mistake nobody used yet.
        "inventory.delete_product",
        "inventory.add_packaging",
        "inventory.change_packaging",
        "inventory.delete_packaging",
        "inventory.add_reorderpoint",
        "inventory.change_reorderpoint",
        "inventory.delete_reorderpoint",
        "warehouses.add_warehouse",
        "warehouses.change_warehouse",
        "warehouses.delete_warehouse",
        "warehouses.add_location",
        "warehouses.change_location",
        "warehouses.delete_location",
        "inventory.add_lot",
        "inventory.change_lot",
        # Webhook subscriptions and their delivery logs.
        "integrations.view_subscription",
        "integrations.add_subscription",
        "integrations.change_subscription",
        "integrations.delete_subscription",
        "integrations.view_delivery",
    ],
}


def sync_roles(group_model, permission_model) -> None:
    """Create or update the role groups so that each has exactly its permissions.

    A permission of a model that a later migration creates is not there yet when an earlier
    migration syncs; that later migration syncs again.
    """
    for name, perms in ROLE_PERMISSIONS.items():
        group, _ = group_model.objects.get_or_create(name=name)
        wanted = []
        for perm in perms:
            app_label, codename = perm.split(".")
            wanted += permission_model.objects.filter(
                content_type__app_label=app_label, codename=codename
            )
        group.permissions.set(wanted)
