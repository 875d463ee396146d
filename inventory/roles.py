"""What the staff roles may do with products, lots, stock and reorder points (wms.roles syncs
the groups). Stock rows are only read: documents change them."""

from wms.roles import CLERK, MANAGER

_VIEW = [
    "inventory.view_lot",
    "inventory.view_quant",
    "inventory.view_product",
    "inventory.view_packaging",
    "inventory.view_warehouseinventory",
    "inventory.view_inventory",
    "inventory.view_stockmovement",
    "inventory.view_reorderpoint",
]

ROLE_PERMISSIONS = {
    CLERK: _VIEW,
    MANAGER: [
        *_VIEW,
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
        "inventory.add_lot",
        "inventory.change_lot",
    ],
}
