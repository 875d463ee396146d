"""What the documents API answers and accepts. Webhook payloads reuse DocumentSerializer."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.exceptions import ValidationError

from documents.models import (
    CANCEL_REASON_MAX,
    MAX_LINES,
    DocType,
    Document,
    DocumentLine,
)
from documents.services import (
    MAX_QUANTITY,
    LineInput,
)
from inventory.quantities import DECIMAL_QUANTITY_RE, DECIMAL_QUANTITY_SCHEMA, steps_format
from wms.api import StrictBooleanField, StrictCharField, StrictIntegerField
from wms.filters import BIGINT_MAX

# A bound on one request's work; larger documents are split by the client.


class DocumentLineSerializer(serializers.ModelSerializer):
    lot = serializers.SlugRelatedField(
        slug_field="code", read_only=True, allow_null=True, help_text="The lot's code."
    )
    expires_on = serializers.DateField(source="lot.expires_on", read_only=True, allow_null=True)
    reserved = serializers.IntegerField(
        read_only=True, help_text="What the line holds reserved (reserved documents)."
    )
    unit_quantity = serializers.SerializerMethodField()
    packaging = serializers.SlugRelatedField(
        slug_field="code",
        read_only=True,
        allow_null=True,
        help_text="The packaging's code, when the line was entered in packs.",
    )
    packaging_quantity = serializers.IntegerField(
        read_only=True, allow_null=True, help_text="Whole packs, when entered in packs."
    )
    loose_quantity = serializers.IntegerField(
        read_only=True,
        allow_null=True,
        help_text='Stock steps entered beside the packs ("3 cases + 4": 4); `quantity` is '
        "packaging_quantity × the pack's steps + this.",
    )

    class Meta:
        model = DocumentLine
        fields = [
            "id",
            "product",
            "quantity",
            "unit_quantity",
            "packaging",
            "packaging_quantity",
            "loose_quantity",
            "location",
            "destination_location",
            "lot",
            "expires_on",
            "reserved",
        ]

    @extend_schema_field(DECIMAL_QUANTITY_SCHEMA)
    def get_unit_quantity(self, line) -> str:
        # document_list() annotates the product's decimals; a line read otherwise asks.
        decimals = getattr(line, "decimals", None)
        if decimals is None:
            decimals = line.product.decimals
        return steps_format(line.quantity, decimals)


class DocumentSerializer(serializers.ModelSerializer):
    lines = DocumentLineSerializer(many=True, read_only=True)

    class Meta:
        model = Document
        fields = [
            "id",
            "number",
            "doc_type",
            "status",
            "warehouse",
            "destination_warehouse",
            "backorder_of",
            "origin",
            "reference",
            "note",
            "lines",
            "created_by",
            "created_at",
            "updated_at",
            "posted_by",
            "posted_at",
            "cancelled_by",
            "cancelled_at",
            "cancel_reason",
        ]
        read_only_fields = fields


class ReturnableSerializer(serializers.Serializer):
    product = serializers.IntegerField(source="product_id")
    sku = serializers.CharField()
    lot = serializers.CharField(allow_null=True, help_text="The lot's code.")
    shipped = serializers.IntegerField(help_text="Net of the shipment's cancellation.")
    returned = serializers.IntegerField(help_text="By its posted, not cancelled returns.")
    returnable = serializers.IntegerField(help_text="shipped - returned: what may come back.")


class ReturnableAnswerSerializer(serializers.Serializer):
    shipment = serializers.IntegerField()
    lines = ReturnableSerializer(many=True)


class CancelSerializer(serializers.Serializer):
    reason = StrictCharField(
        max_length=CANCEL_REASON_MAX,
        required=False,
        allow_blank=True,
        default="",
        help_text="Why it is cancelled, kept as the document's cancel_reason. May be left out.",
    )


class PostedDocumentSerializer(DocumentSerializer):
    backorder = serializers.IntegerField(
        read_only=True,
        allow_null=True,
        help_text="The draft created for what was ordered and not shipped, or null.",
    )

    class Meta(DocumentSerializer.Meta):
        fields = [*DocumentSerializer.Meta.fields, "backorder"]


class ReserveSerializer(serializers.Serializer):
    partial = StrictBooleanField(
        default=False, help_text="Reserve what there is instead of refusing a shortage."
    )


class ShippedLineSerializer(serializers.Serializer):
    line = StrictIntegerField(min_value=1, max_value=BIGINT_MAX)
    quantity = StrictIntegerField(min_value=0, max_value=MAX_QUANTITY)


class PostSerializer(serializers.Serializer):
    lines = ShippedLineSerializer(
        many=True,
        required=False,
        max_length=MAX_LINES,
        help_text="Reserved documents: what was shipped per line (default: all it reserved); "
        "the rest becomes a backorder.",
    )


@extend_schema_field(DECIMAL_QUANTITY_SCHEMA)
class DecimalQuantityField(StrictCharField):
    """A quantity in the product's unit as a decimal string: never a JSON number (a float on
    the way would already have rounded it). The service converts it with the product's
    decimals."""

    def __init__(self, **kwargs):
        super().__init__(max_length=40, **kwargs)

    def to_internal_value(self, data):
        value = super().to_internal_value(data) if isinstance(data, str) else None
        if value is None or not DECIMAL_QUANTITY_RE.fullmatch(value):
            raise ValidationError('A decimal string is required, e.g. "1.25".')
        return value


class LineInputSerializer(serializers.Serializer):
    product = StrictIntegerField(min_value=1, max_value=BIGINT_MAX)
    quantity = StrictIntegerField(
        min_value=-MAX_QUANTITY,
        max_value=MAX_QUANTITY,
        required=False,
        help_text=(
            "In stock steps (10^-decimals of the product's unit). Receipts, shipments and "
            "transfers: positive. Adjustments: signed, not zero. Counts: the counted quantity, "
            "zero or more. Exactly one of quantity, unit_quantity, packaging is given."
        ),
    )
    unit_quantity = DecimalQuantityField(
        required=False,
        help_text='A decimal string in the product\'s unit ("1.25" kg with decimals 3: 1250 '
        "steps); finer than the product counts is refused, naming the nearest quantities.",
    )
    packaging = StrictCharField(
        max_length=32, required=False, help_text="A packaging's code (case, pallet) of the product."
    )
    packaging_quantity = StrictIntegerField(
        min_value=-MAX_QUANTITY,
        max_value=MAX_QUANTITY,
        required=False,
        help_text="Whole packs of `packaging`; given with it and only with it.",
    )
    loose_quantity = StrictIntegerField(
        min_value=0,
        max_value=MAX_QUANTITY,
        required=False,
        help_text='Stock steps beside whole packs, for what is not a whole pack ("3 cases + 4" '
        "is packaging case, packaging_quantity 3, loose_quantity 4; a count of an open case). "
        "Only with packaging; packaging_quantity then 0 or more.",
    )

    location = StrictIntegerField(
        min_value=1,
        max_value=BIGINT_MAX,
        allow_null=True,
        default=None,
        help_text=(
            "Receipts, adjustments, counts: where (default: the warehouse's default location). "
            "Shipments, transfers: take from this location and below (default: anywhere)."
        ),
    )
    destination_location = StrictIntegerField(
        min_value=1,
        max_value=BIGINT_MAX,
        allow_null=True,
        default=None,
        help_text="Transfers: where the goods go (default: the destination's default location).",
    )
    lot = StrictCharField(
        max_length=64,
        allow_null=True,
        default=None,
        help_text="The lot or serial code: required for tracked products on receipts, "
        "adjustments and counts; a receipt of a new code creates the lot.",
    )
    expires_on = serializers.DateField(
        allow_null=True, default=None, help_text="Receipts: the expiry of a lot they create."
    )

    def validate(self, attrs):
        # A partial update of a document is never a partial line: product and one quantity.
        given = [name for name in ("quantity", "unit_quantity", "packaging") if name in attrs]
        # Without a quantity of any form, the answer clients have always had.
        missing = {"product"} - set(attrs) | (set() if given else {"quantity"})
        if missing:
            raise ValidationError({field: ["This field is required."] for field in sorted(missing)})
        if len(given) != 1:
            raise ValidationError(
                "Give exactly one of quantity, unit_quantity or packaging with "
                "packaging_quantity" + (f", not {' and '.join(given)}." if given else ".")
            )
        if ("packaging" in attrs) != ("packaging_quantity" in attrs):
            raise ValidationError("packaging and packaging_quantity go together.")
        if "loose_quantity" in attrs and "packaging" not in attrs:
            raise ValidationError("loose_quantity goes with packaging and packaging_quantity.")
        return attrs


class LinesField(serializers.ListField):
    """Lines whose errors read like the services' ("Line 2: quantity: ...")."""

    child = LineInputSerializer()

    def __init__(self, **kwargs):
        super().__init__(
            min_length=1,
            max_length=MAX_LINES,
            error_messages={"min_length": "A document needs at least one line."},
            **kwargs,
        )

    def run_child_validation(self, data):
        try:
            return super().run_child_validation(data)
        except ValidationError as exc:
            raise ValidationError(
                [
                    f"Line {index + 1}: {message}"
                    for index, errors in exc.detail.items()
                    for message in _messages(errors)
                ]
            ) from exc

    def to_internal_value(self, data):
        # The cap first: refusing 60,000 lines must not cost validating each of them.
        if isinstance(data, list) and len(data) > MAX_LINES:
            self.fail("max_length", max_length=MAX_LINES)
        return [
            LineInput(
                product_id=line["product"],
                quantity=line.get("quantity"),
                unit_quantity=line.get("unit_quantity"),
                packaging=line.get("packaging"),
                packaging_quantity=line.get("packaging_quantity"),
                loose_quantity=line.get("loose_quantity"),
                location_id=line.get("location"),
                destination_location_id=line.get("destination_location"),
                lot=line.get("lot") or None,
                expires_on=line.get("expires_on"),
            )
            for line in super().to_internal_value(data)
        ]


def _messages(errors) -> list[str]:
    """One line's errors: by field for a line object, bare for a line that is not one (null)."""
    if isinstance(errors, dict):
        return [
            message if field == "non_field_errors" else f"{field}: {message}"
            for field, messages in errors.items()
            for message in messages
        ]
    return [str(message) for message in errors]


class _DraftFields(serializers.Serializer):
    warehouse = StrictIntegerField(min_value=1, max_value=BIGINT_MAX)
    destination_warehouse = StrictIntegerField(
        min_value=1,
        max_value=BIGINT_MAX,
        allow_null=True,
        default=None,
        help_text="Transfers only, and required for them.",
    )
    reference = StrictCharField(max_length=100, allow_blank=True, default="")
    note = StrictCharField(allow_blank=True, default="")
    lines = LinesField(help_text=f"At least one line, at most {MAX_LINES}; a product once.")

    def to_internal_value(self, data):
        # A document's other fields (status, doc_type once created, ...) are changed by their
        # own actions or never: naming one here is a mistake to report, not to ignore.
        if isinstance(data, dict):
            read_only = sorted(set(data) & (set(DocumentSerializer.Meta.fields) - set(self.fields)))
            if read_only:
                raise ValidationError({name: ["This field is read-only."] for name in read_only})
        return super().to_internal_value(data)

    def to_service(self) -> dict:
        """The validated data as document_create / document_update keyword arguments."""
        renamed = {
            "warehouse": "warehouse_id",
            "destination_warehouse": "destination_warehouse_id",
            "origin": "origin_id",
        }
        return {renamed.get(name, name): value for name, value in self.validated_data.items()}


class DocumentCreateSerializer(_DraftFields):
    doc_type = serializers.ChoiceField(choices=DocType.choices)
    origin = StrictIntegerField(
        min_value=1,
        max_value=BIGINT_MAX,
        allow_null=True,
        default=None,
        help_text="Returns only, and required for them: the posted shipment they return.",
    )


class DocumentUpdateSerializer(_DraftFields):
    """A draft's editable fields; its type is fixed once created."""
