"""Warehouses and their locations over HTTP.

Warehouses are plain records (one that documents or stock refer to is deactivated); locations
are written through warehouses.services, which keeps the tree and its paths right.
"""

from django.core.validators import RegexValidator
from django.db.models import OuterRef, Subquery
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from warehouses.models import Location, Warehouse
from warehouses.selectors import within_location
from warehouses.services import (
    EDITABLE,
    location_create,
    location_delete,
    location_update,
)
from wms.api import (
    CatalogueViewSet,
    ModelSerializer,
    StrictBooleanField,
    StrictCharField,
    StrictIntegerField,
    catalogue_schema,
)
from wms.api_errors import responses
from wms.filters import BIGINT_MAX, BooleanFilter, FilterSet, IdFilter, TextFilter
from wms.idempotency import PARAMETER as IDEMPOTENCY_KEY
from wms.idempotency import idempotent
from wms.validators import BARCODE_CHARACTERS, scannable_code


class WarehouseSerializer(ModelSerializer):
    default_location = serializers.IntegerField(
        source="default_location_id",
        read_only=True,
        help_text="The root of the warehouse's locations, made with it.",
    )

    class Meta:
        model = Warehouse
        fields = [
            "id",
            "code",
            "name",
            "location",
            "is_active",
            "default_location",
            "created_at",
            "updated_at",
        ]


class WarehouseFilter(FilterSet):
    code = TextFilter(help_text="Exact code.")
    is_active = BooleanFilter()

    class Meta:
        model = Warehouse
        fields = ["code", "is_active"]


@catalogue_schema(WarehouseSerializer, "warehouse")
class WarehouseViewSet(CatalogueViewSet):
    queryset = Warehouse.objects.annotate(
        root_id=Subquery(
            Location.objects.filter(warehouse=OuterRef("pk"), parent__isnull=True).values("pk")[:1]
        )
    ).order_by("code")
    serializer_class = WarehouseSerializer
    filterset_class = WarehouseFilter


class LocationSerializer(serializers.ModelSerializer):
    path = serializers.CharField(
        source="full_path",
        read_only=True,
        help_text="The warehouse code, then each code from below the root down: MAIN/A/01.",
    )

    class Meta:
        model = Location
        fields = [
            "id",
            "warehouse",
            "parent",
            "code",
            "name",
            "path",
            "barcode",
            "pick_order",
            "is_active",
        ]
        read_only_fields = ["warehouse", "parent"]


# A location's code is one step of its path, which "/" joins.
NO_SLASH = RegexValidator(r"^[^/]+$", "A code cannot contain '/'.")


def barcode_field(**kwargs) -> StrictCharField:
    """A location's barcode: printed as Code 128, so printable ASCII only."""
    return StrictCharField(
        max_length=64,
        allow_null=True,
        allow_blank=True,
        validators=[scannable_code],
        help_text=f"Printed as Code 128: {BARCODE_CHARACTERS}.",
        **kwargs,
    )


class LocationCreateSerializer(serializers.Serializer):
    warehouse = StrictIntegerField(
        min_value=1, max_value=BIGINT_MAX, required=False, help_text="Needed without a parent."
    )
    parent = StrictIntegerField(
        min_value=1,
        max_value=BIGINT_MAX,
        required=False,
        allow_null=True,
        help_text="Default: the warehouse's default location (its root).",
    )
    code = StrictCharField(
        max_length=32, validators=[NO_SLASH], help_text="Unique among its siblings; no '/'."
    )
    name = StrictCharField(max_length=200, allow_blank=True, default="")
    barcode = barcode_field(default=None)
    pick_order = StrictIntegerField(min_value=-(2**31), max_value=2**31 - 1, default=0)
    is_active = StrictBooleanField(default=True)

    def validate(self, attrs):
        if attrs.get("parent") is None and attrs.get("warehouse") is None:
            raise ValidationError({"warehouse": ["A warehouse or a parent is required."]})
        return attrs


class LocationUpdateSerializer(serializers.Serializer):
    code = StrictCharField(max_length=32, validators=[NO_SLASH], required=False)
    name = StrictCharField(max_length=200, allow_blank=True, required=False)
    barcode = barcode_field(required=False)
    pick_order = StrictIntegerField(min_value=-(2**31), max_value=2**31 - 1, required=False)
    is_active = StrictBooleanField(required=False)

    def to_internal_value(self, data):
        if isinstance(data, dict):
            fixed = sorted(set(data) - set(EDITABLE) - {"id", "path"})
            if fixed:
                raise ValidationError({f: ["This field cannot be changed."] for f in fixed})
        return super().to_internal_value(data)


class LocationFilter(FilterSet):
    warehouse = IdFilter(field_name="warehouse_id")
    parent = IdFilter(field_name="parent_id")
    barcode = TextFilter(help_text="Exact barcode.")
    within = IdFilter(
        method="filter_within", help_text="A location id: it and everything below it."
    )
    is_active = BooleanFilter()

    class Meta:
        model = Location
        fields = ["warehouse", "parent", "barcode", "within", "is_active"]

    def filter_within(self, queryset, name, value):
        return queryset.filter(within_location(value))


@extend_schema_view(
    list=extend_schema(
        summary="List locations",
        responses=responses({200: LocationSerializer(many=True)}, 400, 404),
    ),
    retrieve=extend_schema(
        summary="Get a location", responses=responses({200: LocationSerializer}, 404)
    ),
    create=extend_schema(
        summary="Create a location",
        request=LocationCreateSerializer,
        parameters=[IDEMPOTENCY_KEY],
        responses=responses({201: LocationSerializer}, 400, 409, 422),
    ),
    update=extend_schema(
        summary="Change a location",
        description="warehouse and parent are fixed once created.",
        request=LocationUpdateSerializer,
        responses=responses({200: LocationSerializer}, 400, 404, 409),
    ),
    partial_update=extend_schema(
        summary="Change a location",
        description="Deactivating one that holds stock or has active children is a 409.",
        request=LocationUpdateSerializer,
        responses=responses({200: LocationSerializer}, 400, 404, 409),
    ),
    destroy=extend_schema(
        summary="Delete an unused location",
        description="Refused with 409 `in_use` if it holds stock, has children or history.",
        responses=responses({204: None}, 404, 409),
    ),
)
class LocationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    queryset = Location.objects.select_related("warehouse").order_by("warehouse_id", "path")
    serializer_class = LocationSerializer
    filterset_class = LocationFilter

    def _answer(self, location_id: int, status_code=status.HTTP_200_OK) -> Response:
        return Response(
            LocationSerializer(self.get_queryset().get(pk=location_id)).data, status=status_code
        )

    @idempotent
    def create(self, request):
        data = LocationCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        location = location_create(
            warehouse_id=values.pop("warehouse", None),
            parent_id=values.pop("parent", None),
            **values,
        )
        return self._answer(location.pk, status.HTTP_201_CREATED)

    def update(self, request, pk, partial=False):
        self.get_object()  # 404 first
        data = LocationUpdateSerializer(data=request.data, partial=partial)
        data.is_valid(raise_exception=True)
        location_update(location_id=int(pk), **data.validated_data)
        return self._answer(int(pk))

    def partial_update(self, request, pk):
        return self.update(request, pk, partial=True)

    def destroy(self, request, pk):
        self.get_object()
        location_delete(location_id=int(pk))
        return Response(status=status.HTTP_204_NO_CONTENT)
