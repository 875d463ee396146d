"""Packagings: the named levels a product is handled in (inner pack, case, layer, pallet),
each a whole number of the product's stock steps, with a barcode of its own."""

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models

from inventory.barcodes import barcode_normalize


class Packaging(models.Model):
    # Indexed through uq_packagings_product_code, which leads with this column.
    product = models.ForeignKey(
        "inventory.Product", on_delete=models.CASCADE, related_name="packagings", db_index=False
    )
    code = models.SlugField(max_length=32, help_text="case, pallet, …: unique per product.")
    name = models.CharField(
        max_length=64, blank=True, help_text="What papers print; the code if empty."
    )
    quantity = models.BigIntegerField(
        validators=[MinValueValidator(2)],
        help_text="Stock steps in one pack (a case of 12 pieces: 12), at least 2.",
    )
    barcode = models.CharField(  # noqa: DJ001 - NULL for none, as on products
        max_length=64,
        null=True,
        blank=True,
        help_text="The pack's GTIN-14 (indicator digit 1-8), unique across products and packs.",
    )
    can_receive = models.BooleanField(default=True)
    can_ship = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "packagings"
        ordering = ["product_id", "quantity"]
        constraints = [
            models.UniqueConstraint(fields=["product", "code"], name="uq_packagings_product_code"),
            models.UniqueConstraint(fields=["barcode"], name="uq_packagings_barcode"),
            # Target of the composite foreign key from reorder points (added in SQL).
            models.UniqueConstraint(fields=["product", "id"], name="uq_packagings_product_id"),
            models.CheckConstraint(
                condition=models.Q(quantity__gte=2), name="check_packagings_quantity_at_least_2"
            ),
            models.CheckConstraint(
                condition=~models.Q(code=""), name="check_packagings_code_not_empty"
            ),
            models.CheckConstraint(
                condition=~models.Q(barcode=""), name="check_packagings_barcode_not_empty"
            ),
            models.CheckConstraint(
                condition=~models.Q(barcode__regex=r"^([0-9]{8}|[0-9]{12}|[0-9]{13})$"),
                name="check_packagings_barcode_gtin_14",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.label} of {self.quantity}"

    @property
    def label(self) -> str:
        return self.name or self.code

    def clean(self):
        try:
            self.barcode = barcode_normalize(self.barcode)
        except ValidationError as exc:
            raise ValidationError({"barcode": exc.messages}) from None
