"""What the staff roles may do with warehouses and locations (wms.roles syncs the groups)."""

from wms.roles import CLERK, MANAGER

_VIEW = ["warehouses.view_warehouse", "warehouses.view_location"]

ROLE_PERMISSIONS = {
    CLERK: _VIEW,
    MANAGER: [
        *_VIEW,
        # Deleting is refused (409 in_use) while anything refers to the record.
        "warehouses.add_warehouse",
        "warehouses.change_warehouse",
        "warehouses.delete_warehouse",
        "warehouses.add_location",
        "warehouses.change_location",
        "warehouses.delete_location",
    ],
}
