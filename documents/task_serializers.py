"""The API's bodies for warehouse tasks: pick lists, starting a count, replenishing."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from documents.models import MAX_LINES, PickList
from documents.selectors import pick_tasks_in_packs
from documents.serializers import DocumentSerializer
from warehouses.models import join_path
from wms.api import StrictBooleanField, StrictCharField, StrictIntegerField
from wms.filters import BIGINT_MAX


class PickTaskSerializer(serializers.Serializer):
    location = serializers.IntegerField(source="quant__location_id")
    location_path = serializers.SerializerMethodField()
    product = serializers.IntegerField(source="quant__product_id")
    sku = serializers.CharField(source="quant__product__sku")
    lot = serializers.CharField(source="quant__lot__code", allow_null=True)
    expires_on = serializers.DateField(source="quant__lot__expires_on", allow_null=True)
    quantity = serializers.IntegerField(help_text="In stock steps.")
    packs = serializers.CharField(
        allow_null=True,
        help_text="The quantity in packs as the pick list prints it, largest first, in the "
        'packagings that may ship ("2 case + 5 pcs", "1.250 kg"); null when `quantity` says it '
        "all (no such packaging, counted whole, less than one pack).",
    )

    def get_location_path(self, task) -> str:
        return join_path(task["quant__location__warehouse__code"], task["quant__location__path"])


class PickListSerializer(serializers.ModelSerializer):
    documents = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    tasks = serializers.SerializerMethodField()

    class Meta:
        model = PickList
        fields = ["id", "documents", "tasks", "created_by", "created_at"]
        read_only_fields = fields

    @extend_schema_field(PickTaskSerializer(many=True))
    def get_tasks(self, pick_list):
        return PickTaskSerializer(pick_tasks_in_packs(pick_list_id=pick_list.pk), many=True).data


class PickListCreateSerializer(serializers.Serializer):
    documents = serializers.ListField(
        child=StrictIntegerField(min_value=1, max_value=BIGINT_MAX),
        min_length=1,
        max_length=MAX_LINES,
        help_text="Reserved documents to pick in one walk.",
    )


class CountStartSerializer(serializers.Serializer):
    warehouse = StrictIntegerField(
        min_value=1, max_value=BIGINT_MAX, required=False, help_text="Count the whole warehouse…"
    )
    location = StrictIntegerField(
        min_value=1,
        max_value=BIGINT_MAX,
        required=False,
        help_text="…or a location and everything below it.",
    )
    blind = StrictBooleanField(
        default=False, help_text="Every line starts at 0 instead of its book quantity."
    )


class ReplenishSerializer(serializers.Serializer):
    points = serializers.ListField(
        child=StrictIntegerField(min_value=1, max_value=BIGINT_MAX),
        min_length=1,
        max_length=MAX_LINES,
        help_text="Reorder point ids; those not below their minimum are skipped.",
    )
    mode = serializers.ChoiceField(
        choices=["receipt", "transfer"],
        default="receipt",
        help_text="Receipts (one per warehouse) or transfers from `source` (one per destination).",
    )
    reference = StrictCharField(
        max_length=100, required=False, default="", help_text="Receipts: the supplier's."
    )
    source = StrictIntegerField(
        min_value=1,
        max_value=BIGINT_MAX,
        required=False,
        allow_null=True,
        help_text="Transfers: the warehouse the goods come from.",
    )


class ReplenishedSerializer(serializers.Serializer):
    documents = DocumentSerializer(many=True, help_text="The drafts made.")
    skipped = serializers.ListField(
        child=serializers.CharField(), help_text="Why a reorder point got no line."
    )
