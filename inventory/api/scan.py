"""Scanning: one code (barcode, SKU, lot, location) resolved to what it names."""

from drf_spectacular.utils import (
    extend_schema,
)
from rest_framework import serializers
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response

from inventory.models import (
    Product,
)
from inventory.selectors import (
    available_quantity,
    scan_resolve,
)
from wms.api_errors import responses
from wms.filters import (
    BIGINT_MAX,
)


class ScanProductSerializer(serializers.ModelSerializer):
    unit_display = serializers.CharField(source="get_unit_display", read_only=True)

    class Meta:
        model = Product
        fields = [
            "id",
            "sku",
            "barcode",
            "name",
            "unit",
            "unit_display",
            "decimals",
            "tracking",
            "is_active",
        ]


class ScanSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=["product", "location", "gs1"])
    code = serializers.CharField(help_text="The code as scanned, without surrounding spaces.")
    product = ScanProductSerializer(allow_null=True, help_text="Null for a location.")
    location = serializers.IntegerField(
        allow_null=True, help_text="A location's id, when the code names a location."
    )
    location_path = serializers.CharField(
        required=False, help_text="When the code names a location: its full path, MAIN/A/01."
    )
    warehouse = serializers.IntegerField(
        required=False, help_text="When the code names a location: the warehouse it is in."
    )
    lot = serializers.CharField(allow_null=True, source="data.lot", help_text="GS1 (10).")
    expires_on = serializers.DateField(
        allow_null=True, source="data.expires_on", help_text="GS1 (17)."
    )
    serial = serializers.CharField(allow_null=True, source="data.serial", help_text="GS1 (21).")
    packaging = serializers.CharField(
        allow_null=True,
        required=False,
        help_text="The code of the packaging the barcode or GS1 (01)/(02) names (case, "
        "pallet), else null.",
    )
    quantity = serializers.IntegerField(
        allow_null=True,
        help_text="What one scan adds, in the product's stock steps: a packaging's steps; "
        "(30)/(37) count × the packaging (or units, for the product's own GTIN); a (310n) or "
        "(320n) net weight exactly. Null: one unit.",
    )
    available = serializers.IntegerField(
        required=False, help_text="Stock of the product in `warehouse`, when one is asked for."
    )


class ScanQuerySerializer(serializers.Serializer):
    code = serializers.CharField(max_length=200, help_text="What the scanner read.")
    warehouse = serializers.IntegerField(
        required=False, min_value=1, max_value=BIGINT_MAX, help_text="Also answer `available`."
    )


class ScanView(GenericAPIView):
    """Resolve one scanned code on the server, so a screen never picks from a stale list."""

    queryset = Product.objects.all()  # reading it needs inventory.view_product
    serializer_class = ScanSerializer
    pagination_class = None
    filter_backends = []

    @extend_schema(
        summary="Resolve a scanned code",
        description=(
            "A product barcode (GTIN-8/12/13/14 or another code) or SKU, matched exactly, a "
            "location's barcode or full path (`MAIN/A/01`, the warehouse code alone for its "
            "root), or a GS1 element string with (01) GTIN, (10) lot, (17) expiry, (21) serial, "
            "(30)/(37) count, (02) content, (310n)/(320n) net weight, raw or as `(01)...(10)...`; "
            "a "
            "packaging's barcode (a case's GTIN-14) names its product and answers `packaging` "
            "and `quantity`. 400 when a net weight is finer than the product counts or in "
            "another unit. 404 when the code names nothing or an "
            "inactive product or location."
        ),
        parameters=[ScanQuerySerializer],
        responses=responses({200: ScanSerializer}, 400, 404),
    )
    def get(self, request):
        query = ScanQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        code = query.validated_data["code"]
        scan = scan_resolve(code=code)
        if scan is None:
            raise NotFound(f"Unknown code: {code.strip()}.", code="unknown_code")
        if scan.location is not None:
            return Response(ScanSerializer(self._location_body(scan)).data)
        if scan.product is None:
            raise NotFound(
                f"No product has the GTIN {scan.data.gtin} of this code.", code="unknown_gtin"
            )
        if not scan.product.is_active:
            raise NotFound(
                f"{scan.product.sku} is inactive: documents cannot use it.",
                code="inactive_product",
            )
        if scan.problem:
            raise ValidationError({"code": [scan.problem]})
        body = {"kind": scan.kind, "code": scan.code, "product": scan.product, "location": None}
        body["data"] = scan.data
        body["packaging"] = scan.packaging.code if scan.packaging else None
        body["quantity"] = scan.quantity
        warehouse = query.validated_data.get("warehouse")
        if warehouse is not None:
            body["available"] = available_quantity(
                warehouse_id=warehouse, product_id=scan.product.pk
            )
        return Response(ScanSerializer(body).data)

    @staticmethod
    def _location_body(scan) -> dict:
        location = scan.location
        if not location.is_active:
            raise NotFound(
                f"{location.full_path} is inactive: documents cannot use it.",
                code="inactive_location",
            )
        return {
            "kind": scan.kind,
            "code": scan.code,
            "product": None,
            "location": location.pk,
            "location_path": location.full_path,
            "warehouse": location.warehouse_id,
            "data": scan.data,
            "packaging": None,
            "quantity": None,
        }
