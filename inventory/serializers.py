"""Serializers that webhook payloads reuse as well as the API."""

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import serializers
from rest_framework.exceptions import ValidationError

from inventory.models import (
    Lot,
    Packaging,
    Quant,
    ReorderPoint,
)
from inventory.selectors import (
    reorder_point_list,
)
from inventory.services.lots import lot_check, lot_create
from wms.api import (
    ModelSerializer,
    StrictIntegerField,
)
from wms.filters import (
    BIGINT_MAX,
)


def _shown_fields():
    """quantity, reserved, available as a selector annotated them (now, or as of an instant)."""
    return {
        "quantity": serializers.IntegerField(source="shown_quantity", read_only=True),
        "reserved": serializers.IntegerField(
            source="shown_reserved", read_only=True, allow_null=True
        ),
        "available": serializers.IntegerField(
            source="shown_available",
            read_only=True,
            allow_null=True,
            help_text="quantity - reserved: what a new document may take.",
        ),
    }


class LotSerializer(ModelSerializer):
    class Meta:
        model = Lot
        fields = ["id", "product", "code", "expires_on", "is_serial", "created_at"]
        read_only_fields = ["is_serial", "created_at"]

    def validate(self, attrs):
        product = attrs.get("product") or self.instance.product
        if self.instance is not None and attrs.get("product", product) != self.instance.product:
            raise ValidationError({"product": ["A lot's product cannot change."]})
        code = attrs.get("code", getattr(self.instance, "code", None))
        try:
            lot_check(product=product, code=code, lot=self.instance)
        except DjangoValidationError as exc:
            raise ValidationError(exc.message_dict) from exc
        return attrs

    def create(self, validated_data):
        return lot_create(**validated_data)


class QuantSerializer(serializers.ModelSerializer):
    location_path = serializers.CharField(source="location.full_path", read_only=True)
    sku = serializers.CharField(source="product.sku", read_only=True)
    lot = serializers.CharField(source="lot.code", read_only=True, allow_null=True)
    expires_on = serializers.DateField(source="lot.expires_on", read_only=True, allow_null=True)
    quantity, reserved, available = _shown_fields().values()

    class Meta:
        model = Quant
        fields = [
            "id",
            "warehouse",
            "location",
            "location_path",
            "product",
            "sku",
            "lot",
            "expires_on",
            "quantity",
            "reserved",
            "available",
        ]


class ReorderPointSerializer(ModelSerializer):
    min_quantity = StrictIntegerField(min_value=0, max_value=BIGINT_MAX)
    target_quantity = StrictIntegerField(
        min_value=0, max_value=BIGINT_MAX, help_text="At least min_quantity."
    )
    available = serializers.IntegerField(read_only=True, help_text="0 when never in stock.")
    packaging = serializers.CharField(
        source="packaging_code",
        max_length=32,
        allow_null=True,
        required=False,
        help_text="The code of one of the product's packagings (case, pallet): order whole "
        "packs of it, rounded up. null: order exactly what is missing.",
    )
    to_order = serializers.IntegerField(
        read_only=True,
        help_text="target_quantity - available, rounded up to whole packs of `packaging`; 0 "
        "when at the target.",
    )
    to_order_packs = serializers.SerializerMethodField(
        help_text="to_order in packs of `packaging`; null without one."
    )

    class Meta:
        model = ReorderPoint
        fields = [
            "id",
            "warehouse",
            "product",
            "min_quantity",
            "target_quantity",
            "packaging",
            "available",
            "to_order",
            "to_order_packs",
            "updated_at",
        ]

    def get_to_order_packs(self, point) -> int | None:
        if point.pack_quantity is None or point.to_order % point.pack_quantity:
            return None
        return point.to_order // point.pack_quantity

    def validate(self, attrs):
        low = attrs.get("min_quantity", getattr(self.instance, "min_quantity", None))
        high = attrs.get("target_quantity", getattr(self.instance, "target_quantity", None))
        if low is not None and high is not None and high < low:
            raise serializers.ValidationError(
                {"target_quantity": ["The target must be at least the minimum."]}
            )
        if "packaging_code" in attrs:
            attrs["packaging"] = self._packaging(attrs.pop("packaging_code"), attrs)
        elif (
            self.instance is not None
            and self.instance.packaging_id is not None
            and attrs.get("product", self.instance.product) != self.instance.product
        ):
            raise serializers.ValidationError(
                {"packaging": ["Another product: give one of its packagings, or null."]}
            )
        return attrs

    def _packaging(self, code, attrs):
        """The product's packaging of that code (None for none); a 400 naming the codes the
        product has when it has no such packaging."""
        if code is None:
            return None
        product = attrs.get("product", getattr(self.instance, "product", None))
        packs = {p.code: p for p in Packaging.objects.filter(product=product)}
        if code not in packs:
            known = ", ".join(sorted(packs)) or "none"
            raise serializers.ValidationError(
                {"packaging": [f"{product.sku} has no packaging {code!r} (it has: {known})."]}
            )
        return packs[code]

    def update(self, instance, validated_data):
        # The instance was read with what to order then: read it back with the new figures.
        super().update(instance, validated_data)
        return reorder_point_list().get(pk=instance.pk)

    def to_representation(self, instance):
        if not hasattr(instance, "available"):  # just written: read it back with its stock
            instance = reorder_point_list().get(pk=instance.pk)
        return super().to_representation(instance)
