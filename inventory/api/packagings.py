"""Packagings over HTTP: a product's cases, pallets, inner packs, each with its barcode."""

from rest_framework import serializers
from rest_framework.validators import UniqueTogetherValidator

from inventory.api.products import BarcodeField, barcode_unique_across
from inventory.models import Packaging, Product
from wms.api import CatalogueViewSet, ModelSerializer, StrictIntegerField, catalogue_schema
from wms.db import delete_unreferenced
from wms.filters import BIGINT_MAX, FilterSet, IdFilter, TextFilter


class PackagingSerializer(ModelSerializer):
    product = serializers.PrimaryKeyRelatedField(queryset=Product.objects.all())
    quantity = StrictIntegerField(
        min_value=2,
        max_value=BIGINT_MAX,
        help_text="Stock steps in one pack (a case of 12 pieces: 12; a 25 kg sack of a product "
        "with decimals 3: 25000), at least 2.",
    )
    barcode = BarcodeField(
        help_text="The pack's GTIN (stored as 14 digits: a case's GTIN-14 has its own "
        "indicator digit) or another code; unique across products and packagings.",
    )

    class Meta:
        model = Packaging
        fields = [
            "id",
            "product",
            "code",
            "name",
            "quantity",
            "barcode",
            "can_receive",
            "can_ship",
            "created_at",
        ]
        validators = [
            UniqueTogetherValidator(
                Packaging.objects.all(),
                fields=["product", "code"],
                message="The product has a packaging with this code.",
            )
        ]

    def validate_barcode(self, value):
        barcode_unique_across(value, packaging=self.instance)
        return value

    def validate_product(self, value):
        # Lines entered in a pack name it: moving it to another product would change them.
        if self.instance is not None and value.pk != self.instance.product_id:
            raise serializers.ValidationError("A packaging stays with its product.")
        return value


class PackagingFilter(FilterSet):
    product = IdFilter(field_name="product_id")
    code = TextFilter(help_text="Exact code.")

    class Meta:
        model = Packaging
        fields = ["product", "code"]


@catalogue_schema(PackagingSerializer, "packaging")
class PackagingViewSet(CatalogueViewSet):
    queryset = Packaging.objects.order_by("product_id", "quantity", "id")
    serializer_class = PackagingSerializer
    filterset_class = PackagingFilter

    def perform_destroy(self, instance):
        delete_unreferenced(instance, instead="it stays while document lines name it.")
