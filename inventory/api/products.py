"""Products over HTTP: plain records with a price and a normalised barcode."""

from decimal import Decimal

from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import (
    extend_schema_field,
)
from rest_framework import serializers
from rest_framework.validators import UniqueValidator

from inventory.barcodes import barcode_normalize
from inventory.models import (
    Product,
)
from inventory.quantities import MAX_DECIMALS
from inventory.selectors import barcode_taken
from inventory.services import product_check_decimals, product_check_tracking
from wms.api import (
    CatalogueViewSet,
    ModelSerializer,
    StrictCharField,
    StrictIntegerField,
    catalogue_schema,
)
from wms.filters import (
    BooleanFilter,
    FilterSet,
    TextFilter,
)


@extend_schema_field(
    {
        "type": "string",
        "format": "decimal",
        "pattern": r"^[0-9]{1,10}(\.[0-9]{1,2})?$",
        "example": "12.50",
    }
)
class PriceField(serializers.DecimalField):
    """A price as a decimal string: not negative, at most 2 decimals, below 10 billion."""

    default_error_messages = {"invalid": 'A decimal string is required, e.g. "12.50".'}

    def __init__(self, **kwargs):
        super().__init__(max_digits=12, decimal_places=2, min_value=Decimal("0.00"), **kwargs)

    def to_internal_value(self, data):
        # Money is never a JSON number: 0.1 + 0.2 is not 0.3 in the client's floats either.
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


class BarcodeField(StrictCharField):
    """A product barcode, normalised before the unique check runs: a GTIN is kept as its 14
    digits, so EAN-13 4006381333931 and (01)04006381333931 are the same barcode."""

    def __init__(self, **kwargs):
        super().__init__(max_length=64, allow_null=True, allow_blank=True, required=False, **kwargs)

    def to_internal_value(self, data):
        try:
            return barcode_normalize(super().to_internal_value(data))
        except DjangoValidationError as exc:
            raise serializers.ValidationError(exc.messages) from None

    def run_validation(self, data=serializers.empty):
        if isinstance(data, str) and not data.strip():
            return None  # "" clears the barcode, like null
        return super().run_validation(data)


def barcode_unique_across(value, *, product=None, packaging=None) -> None:
    """A barcode names one thing across products and packagings."""
    taken = barcode_taken(value, product=product, packaging=packaging)
    if taken:
        raise serializers.ValidationError(f"{taken.capitalize()} has it.")


class ProductSerializer(ModelSerializer):
    price = PriceField(required=False)
    barcode = BarcodeField(
        validators=[UniqueValidator(Product.objects.all(), message="Another product has it.")],
        help_text="GTIN-8/12/13/14 (stored as 14 digits, check digit verified) or another code.",
    )

    class Meta:
        model = Product
        fields = [
            "id",
            "sku",
            "barcode",
            "name",
            "description",
            "unit",
            "decimals",
            "receive_whole_packs",
            "ship_whole_packs",
            "price",
            "tracking",
            "is_active",
            "created_at",
            "updated_at",
        ]

    decimals = StrictIntegerField(
        min_value=0,
        max_value=MAX_DECIMALS,
        required=False,
        help_text="Stock counts steps of 10^-decimals of `unit` (kg with 3: grams); every "
        "integer quantity of the product is in these steps. Fixed once quantities exist.",
    )

    def validate_barcode(self, value):
        barcode_unique_across(value, product=self.instance)
        return value

    def update(self, instance, validated_data):
        if "tracking" in validated_data:
            product_check_tracking(product=instance, tracking=validated_data["tracking"])
        if "decimals" in validated_data:
            product_check_decimals(product=instance, decimals=validated_data["decimals"])
        return super().update(instance, validated_data)


class ProductFilter(FilterSet):
    sku = TextFilter(help_text="Exact SKU.")
    is_active = BooleanFilter()

    class Meta:
        model = Product
        fields = ["sku", "is_active"]


@catalogue_schema(ProductSerializer, "product")
class ProductViewSet(CatalogueViewSet):
    queryset = Product.objects.order_by("sku")
    serializer_class = ProductSerializer
    filterset_class = ProductFilter
