"""Stock: quants, per-warehouse rows, product totals, the ledger and reservation rows. Written
by inventory.services alone."""

from django.db import models

from inventory.models.catalogue import Lot, Product
from wms.db import NamedIndex


def reserved_checks(table: str) -> list[models.CheckConstraint]:
    """0 <= reserved <= quantity, under names that say which table."""
    return [
        models.CheckConstraint(
            condition=models.Q(reserved__gte=0), name=f"check_{table}_reserved_positive"
        ),
        models.CheckConstraint(
            condition=models.Q(reserved__lte=models.F("quantity")),
            name=f"check_{table}_reserved_within_quantity",
        ),
    ]


class Quant(models.Model):
    """The stock of one product, of one lot or none, at one location: the physical truth.

    Rows are created by the posting engine when stock may arrive and never deleted (the ledger
    refers to them); a row holding nothing is simply empty.
    """

    warehouse = models.ForeignKey(
        "warehouses.Warehouse", on_delete=models.PROTECT, related_name="quants", db_index=False
    )
    # Indexed through the unique (location, product, lot) constraints, which lead with it.
    location = models.ForeignKey(
        "warehouses.Location", on_delete=models.PROTECT, related_name="quants", db_index=False
    )
    product = models.ForeignKey(
        Product, on_delete=models.PROTECT, related_name="quants", db_index=False
    )
    lot = models.ForeignKey(
        Lot, on_delete=models.PROTECT, related_name="quants", null=True, blank=True
    )
    is_serial = models.BooleanField(default=False)
    # is_serial and quantity > 0, kept by the engine in the same UPDATE (a CHECK holds it): the
    # serial's unique index is on this flag rather than on quantity, so that updating the
    # quantity of any quant stays a HOT update (a column in an index predicate forbids it).
    holds_serial = models.BooleanField(default=False)
    quantity = models.BigIntegerField(default=0)
    reserved = models.BigIntegerField(default=0)
    # When stock first arrived here: the "first in" of first in, first out.
    received_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        db_table = "stock_quants"
        ordering = ["location_id", "product_id", "lot_id"]
        indexes = [
            NamedIndex(fields=["warehouse", "product"], name="ix_stock_quants_warehouse_product"),
            NamedIndex(fields=["product", "location"], name="ix_stock_quants_product_location"),
            # The admin's quants list, page by page in its order without sorting every quant.
            NamedIndex(
                fields=["warehouse", "location", "product", "lot"],
                name="ix_stock_quants_warehouse_location",
            ),
            # What a lot holds (the lots list, lots expiring): its quants, not every quant.
            NamedIndex(
                fields=["lot"],
                condition=models.Q(lot__isnull=False),
                name="ix_stock_quants_lot",
            ),
        ]
        constraints = [
            # One row per (location, product, lot), "no lot" included. Two partial unique
            # indexes say it on PostgreSQL and SQLite alike (SQLite has no NULLS NOT DISTINCT).
            models.UniqueConstraint(
                fields=["location", "product", "lot"],
                condition=models.Q(lot__isnull=False),
                name="uq_stock_quants_location_product_lot",
            ),
            models.UniqueConstraint(
                fields=["location", "product"],
                condition=models.Q(lot__isnull=True),
                name="uq_stock_quants_location_product_no_lot",
            ),
            # A serial is in one place with one unit at most.
            models.UniqueConstraint(
                fields=["lot"],
                condition=models.Q(holds_serial=True),
                name="uq_stock_quants_serial_in_one_place",
            ),
            models.CheckConstraint(
                condition=models.Q(holds_serial=True, is_serial=True, quantity__gt=0)
                | (
                    models.Q(holds_serial=False)
                    & (models.Q(is_serial=False) | models.Q(quantity=0))
                ),
                name="check_stock_quants_holds_serial",
            ),
            models.CheckConstraint(
                condition=models.Q(quantity__gte=0), name="check_stock_quants_quantity_positive"
            ),
            *reserved_checks("stock_quants"),
            models.CheckConstraint(
                condition=models.Q(is_serial=False) | models.Q(quantity__lte=1),
                name="check_stock_quants_serial_at_most_one",
            ),
            models.CheckConstraint(
                condition=models.Q(is_serial=False) | models.Q(lot__isnull=False),
                name="check_stock_quants_serial_has_lot",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.product_id}@{self.location_id}/{self.lot_id}: {self.quantity}"

    @property
    def available(self) -> int:
        return self.quantity - self.reserved


class WarehouseInventory(models.Model):
    """Stock of one product in one warehouse. Changed only by inventory.services.stock_apply."""

    # The unique (warehouse, product) index leads with warehouse, so no separate index for it.
    warehouse = models.ForeignKey(
        "warehouses.Warehouse", on_delete=models.PROTECT, related_name="stock", db_index=False
    )
    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="stock")
    quantity = models.BigIntegerField(default=0)
    reserved = models.BigIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        db_table = "warehouse_inventory"
        verbose_name = "stock"
        verbose_name_plural = "stock"
        ordering = ["warehouse_id", "product_id"]
        constraints = [
            # A unique constraint is backed by a unique index of the same name in PostgreSQL:
            # this is the guide's lookup index and the race-free upsert target at once.
            models.UniqueConstraint(
                fields=["warehouse", "product"], name="ix_warehouse_inventory_warehouse_product"
            ),
            models.CheckConstraint(
                condition=models.Q(quantity__gte=0),
                name="check_warehouse_inventory_quantity_positive",
            ),
            *reserved_checks("warehouse_inventory"),
        ]

    def __str__(self) -> str:
        return f"{self.product_id}@{self.warehouse_id}: {self.quantity}"


class Inventory(models.Model):
    """A product's total over all warehouses, kept equal to the sum of its stock rows."""

    product = models.OneToOneField(
        Product, on_delete=models.PROTECT, primary_key=True, related_name="total"
    )
    quantity = models.BigIntegerField(default=0)
    reserved = models.BigIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        db_table = "inventory"
        verbose_name = "product total"
        verbose_name_plural = "product totals"
        ordering = ["product_id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(quantity__gte=0), name="check_inventory_quantity_positive"
            ),
            *reserved_checks("inventory"),
        ]

    def __str__(self) -> str:
        return f"{self.product_id}: {self.quantity}"


class StockMovement(models.Model):
    """The append-only ledger. Rows are only ever inserted (a trigger refuses the rest)."""

    # String references: the ledger names the document that caused a movement, while the
    # inventory code never imports the documents app.
    document = models.ForeignKey(
        "documents.Document", on_delete=models.PROTECT, related_name="movements"
    )
    document_line = models.ForeignKey(
        "documents.DocumentLine", on_delete=models.PROTECT, related_name="movements"
    )
    warehouse = models.ForeignKey(
        "warehouses.Warehouse", on_delete=models.PROTECT, related_name="movements", db_index=False
    )
    product = models.ForeignKey(
        Product, on_delete=models.PROTECT, related_name="movements", db_index=False
    )
    # The quant moved; location and lot repeat its key so the ledger reads on its own.
    quant = models.ForeignKey(
        Quant, on_delete=models.PROTECT, related_name="movements", db_index=False
    )
    location = models.ForeignKey(
        "warehouses.Location", on_delete=models.PROTECT, related_name="movements", db_index=False
    )
    lot = models.ForeignKey(
        Lot,
        on_delete=models.PROTECT,
        related_name="movements",
        null=True,
        blank=True,
        db_index=False,
    )
    quantity = models.BigIntegerField(help_text="Signed: positive into the location.")
    balance_after = models.BigIntegerField(help_text="The quant's quantity right after this row.")
    is_reversal = models.BooleanField(
        default=False, help_text="Written by cancelling a posted document."
    )
    created_at = models.DateTimeField()

    class Meta:
        db_table = "stock_movements"
        ordering = ["-id"]
        indexes = [
            # (x, id) serves both the filter and the keyset page order.
            NamedIndex(fields=["product", "id"], name="ix_stock_movements_product_id"),
            NamedIndex(fields=["warehouse", "id"], name="ix_stock_movements_warehouse_id"),
            NamedIndex(fields=["location", "id"], name="ix_stock_movements_location_id"),
            # Stock as of an instant: the quant's last row at or before it, one index probe.
            NamedIndex(
                fields=["quant", "created_at", "id"], name="ix_stock_movements_quant_created_at"
            ),
            NamedIndex(
                fields=["lot", "id"],
                condition=models.Q(lot__isnull=False),
                name="ix_stock_movements_lot_id",
            ),
            # Movements per day (the dashboard) and per period (wms_stats) read a time range.
            NamedIndex(fields=["created_at"], name="ix_stock_movements_created_at"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(quantity=0), name="check_stock_movements_quantity_not_zero"
            ),
            models.CheckConstraint(
                condition=models.Q(balance_after__gte=0),
                name="check_stock_movements_balance_after_positive",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.quantity:+d} of {self.product_id} @ {self.warehouse_id}"


class StockReservation(models.Model):
    """Stock of one quant promised to one line of a document not posted yet.

    A quant's ``reserved`` (and its warehouse row's and product total's) is the sum of these
    rows; they are written and removed by documents.services through the stock service, in the
    same transaction as the reserved quantities, and reconcile_stock checks the sums.
    """

    document = models.ForeignKey(
        "documents.Document", on_delete=models.CASCADE, related_name="reservations"
    )
    # Indexed through uq_stock_reservations_line_quant, which leads with this column.
    document_line = models.ForeignKey(
        "documents.DocumentLine",
        on_delete=models.CASCADE,
        related_name="reservations",
        db_index=False,
    )
    quant = models.ForeignKey(Quant, on_delete=models.PROTECT, related_name="reservations")
    quantity = models.BigIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "stock_reservations"
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["document_line", "quant"], name="uq_stock_reservations_line_quant"
            ),
            models.CheckConstraint(
                condition=models.Q(quantity__gt=0),
                name="check_stock_reservations_quantity_positive",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.quantity} of quant {self.quant_id} for line {self.document_line_id}"


from inventory.closings import LedgerArchive, LedgerClosing  # noqa: E402, F401  (their own module)
