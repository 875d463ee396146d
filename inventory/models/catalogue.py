"""The catalogue: products, their lots (and serials), and the reorder points set on them."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from inventory.barcodes import barcode_normalize
from inventory.quantities import MAX_DECIMALS, packs_text
from wms.db import NamedIndex


class Unit(models.TextChoices):
    PIECE = "pcs", "piece"
    BOX = "box", "box"
    PACK = "pack", "pack"
    PALLET = "pallet", "pallet"
    KILOGRAM = "kg", "kilogram"
    POUND = "lb", "pound"
    LITRE = "l", "litre"
    METRE = "m", "metre"


class Tracking(models.TextChoices):
    NONE = "none", "none"
    LOT = "lot", "lot"
    SERIAL = "serial", "serial"


class Product(models.Model):
    Unit = Unit
    Tracking = Tracking

    sku = models.CharField(max_length=64, unique=True)
    barcode = models.CharField(  # noqa: DJ001 - NULL for none: many products have no barcode
        max_length=64,
        null=True,
        blank=True,
        help_text="GTIN (EAN/UPC, stored as 14 digits) or any other code on the goods.",
    )
    name = models.CharField(max_length=255)
    description = models.TextField(blank=True)
    unit = models.CharField(max_length=8, choices=Unit.choices, default=Unit.PIECE)
    price = models.DecimalField(
        max_digits=12,
        decimal_places=2,
        default=Decimal("0.00"),
        validators=[MinValueValidator(Decimal("0.00"))],
    )
    tracking = models.CharField(
        max_length=8,
        choices=Tracking.choices,
        default=Tracking.NONE,
        help_text="lot: every unit belongs to a lot; serial: a lot of at most one unit.",
    )
    # Database defaults too, so that rows written in SQL (the load generator, imports by hand)
    # count whole units and take no pack rule unless they say so.
    decimals = models.SmallIntegerField(
        default=0,
        db_default=0,
        validators=[MinValueValidator(0), MaxValueValidator(MAX_DECIMALS)],
        help_text="Stock counts steps of 10^-decimals of the unit: kg with 3 counts grams.",
    )
    receive_whole_packs = models.BooleanField(
        default=False,
        db_default=False,
        help_text="Receipts must be whole packs of a packaging that may receive.",
    )
    ship_whole_packs = models.BooleanField(
        default=False,
        db_default=False,
        help_text="Shipments must be whole packs of a packaging that may ship.",
    )
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        db_table = "products"
        ordering = ["sku"]
        indexes = [NamedIndex(fields=["name"], name="ix_products_name")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(price__gte=0), name="check_product_price_positive"
            ),
            models.CheckConstraint(
                condition=~models.Q(sku=""), name="check_products_sku_not_empty"
            ),
            models.CheckConstraint(
                condition=models.Q(unit__in=Unit.values), name="check_products_unit_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(tracking__in=Tracking.values),
                name="check_products_tracking_valid",
            ),
            models.UniqueConstraint(fields=["barcode"], name="uq_products_barcode"),
            models.CheckConstraint(
                condition=~models.Q(barcode=""), name="check_products_barcode_not_empty"
            ),
            # A GTIN is stored as its 14 digits (inventory.barcodes), never in a short form
            # that the same GTIN's long form would duplicate past the unique constraint.
            models.CheckConstraint(
                condition=~models.Q(barcode__regex=r"^([0-9]{8}|[0-9]{12}|[0-9]{13})$"),
                name="check_products_barcode_gtin_14",
            ),
            models.CheckConstraint(
                condition=models.Q(decimals__gte=0, decimals__lte=MAX_DECIMALS),
                name="check_products_decimals_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.sku} — {self.name}"

    @property
    def is_tracked(self) -> bool:
        return self.tracking != Tracking.NONE

    def clean(self):
        try:
            self.barcode = barcode_normalize(self.barcode)
        except ValidationError as exc:
            raise ValidationError({"barcode": exc.messages}) from None


class Lot(models.Model):
    """A batch of one product, with an optional expiry date. A serial is a lot of a
    serial-tracked product (``is_serial``), of which at most one unit exists anywhere."""

    # Indexed through uq_lots_product_code, which leads with this column.
    product = models.ForeignKey(
        Product, on_delete=models.PROTECT, related_name="lots", db_index=False
    )
    code = models.CharField(max_length=64)
    expires_on = models.DateField(null=True, blank=True)
    # Copied from the product's tracking when the lot is made (tracking cannot change once a
    # product has stock or movements); quants repeat it so the database can hold the serial rule.
    is_serial = models.BooleanField(default=False, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "lots"
        ordering = ["product_id", "code"]
        indexes = [NamedIndex(fields=["expires_on"], name="ix_lots_expires_on")]
        constraints = [
            models.UniqueConstraint(fields=["product", "code"], name="uq_lots_product_code"),
            # Targets of the composite foreign key from quants (added in SQL by the migration).
            models.UniqueConstraint(
                fields=["product", "id", "is_serial"], name="uq_lots_product_id_serial"
            ),
            models.CheckConstraint(condition=~models.Q(code=""), name="check_lots_code_not_empty"),
        ]

    def __str__(self) -> str:
        return self.code


class ReorderPoint(models.Model):
    """When a warehouse runs low on a product: below ``min_quantity`` available, order up to
    ``target_quantity`` — in whole packs of ``packaging`` when one is set, rounded up, so that
    an order never leaves the stock below the target (and so never below the minimum)."""

    warehouse = models.ForeignKey(
        "warehouses.Warehouse", on_delete=models.CASCADE, related_name="+", db_index=False
    )
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="reorder_points")
    min_quantity = models.BigIntegerField(help_text="Short when less than this is available.")
    target_quantity = models.BigIntegerField(help_text="Order up to this; at least the minimum.")
    # One of the product's packagings (the database checks whose, in PostgreSQL, with a
    # composite foreign key); PROTECT: a packaging a reorder point orders in stays.
    packaging = models.ForeignKey(
        "inventory.Packaging",
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        help_text="Order whole packs of this packaging (rounded up to reach the target).",
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        db_table = "reorder_points"
        ordering = ["warehouse_id", "product_id"]
        constraints = [
            # Leads with warehouse: also the index for a warehouse's reorder points.
            models.UniqueConstraint(
                fields=["warehouse", "product"], name="uq_reorder_points_warehouse_product"
            ),
            models.CheckConstraint(
                condition=models.Q(min_quantity__gte=0), name="check_reorder_points_min_positive"
            ),
            models.CheckConstraint(
                condition=models.Q(target_quantity__gte=models.F("min_quantity")),
                name="check_reorder_points_target_at_least_min",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.product_id}@{self.warehouse_id}: {self.min_quantity}→{self.target_quantity}"

    @property
    def to_order_in_packs(self) -> str | None:
        """What to order in packs ("10 case"), when the point orders in packs and something
        is to be ordered (``to_order`` as reorder_point_list annotates it)."""
        to_order = getattr(self, "to_order", None)
        if self.packaging_id is None or not to_order:
            return None
        pack = self.packaging
        product = self.product
        return packs_text(
            to_order, product.decimals, product.unit, [(pack.code, pack.quantity, pack.name)]
        )

    def clean(self):
        if (
            self.min_quantity is not None
            and self.target_quantity is not None
            and self.target_quantity < self.min_quantity
        ):
            raise ValidationError({"target_quantity": "The target must be at least the minimum."})
