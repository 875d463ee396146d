"""Staff screens for products, stock, lots and the ledger, one module per screen. Importing
the package registers every screen (and adds stock to the warehouses app's own screens)."""

from inventory.admin import lots, products, reorder, stock, warehouses  # noqa: F401
