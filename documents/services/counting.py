"""Starting a count: a draft count of what a warehouse, or a location subtree, holds."""

from django.core.exceptions import ValidationError

from documents.models import DocType, Document
from documents.services.drafts import document_create
from documents.services.lines import LineInput
from documents.services.permissions import _require, post_permissions
from inventory.selectors import quants_to_count
from warehouses.models import Location, Warehouse
from warehouses.selectors import within_location

# The admin's formset edits at most this many lines (DATA_UPLOAD_MAX_NUMBER_FIELDS allows it);
# a larger count is made through the API in parts.
COUNT_MAX_LINES = 1000


def count_start(
    *,
    warehouse_id: int | None = None,
    location_id: int | None = None,
    blind: bool = False,
    user=None,
) -> Document:
    """A draft count with one line per quant in stock (of an active product) in the warehouse,
    or in location ``location_id`` and everything below it: its location, lot and book quantity
    (0 when ``blind``), in walking order.

    Raises PermissionDenied, ValidationError keyed by ``warehouse`` or ``location`` (unknown or
    inactive, a location outside the warehouse, nothing in stock, more than COUNT_MAX_LINES
    quants).
    """
    _require(user, post_permissions(DocType.COUNT), "start counts")
    warehouse, place = _count_place(warehouse_id, location_id)
    what, field = (place.full_path, "location") if place else (warehouse.code, "warehouse")
    rows = quants_to_count(
        warehouse_id=warehouse.pk,
        within=within_location(place.pk, prefix="location__", warehouse_field="warehouse_id")
        if place
        else None,
        limit=COUNT_MAX_LINES + 1,
    )
    if not rows:
        raise ValidationError({field: f"{what} has nothing in stock to count."})
    if len(rows) > COUNT_MAX_LINES:
        raise ValidationError(
            {
                field: f"{what} holds more than {COUNT_MAX_LINES} quants (product, location, "
                "lot): count it by location, or through the API (POST /api/v1/documents/) in "
                "parts."
            }
        )
    return document_create(
        doc_type=DocType.COUNT,
        warehouse_id=warehouse.pk,
        lines=[
            LineInput(product, 0 if blind else quantity, location_id=location, lot=lot)
            for product, quantity, location, lot in rows
        ],
        reference=f"{'Blind count' if blind else 'Count'} of {what}",
        created_by=user,
        blind=blind,
    )


def _count_place(warehouse_id, location_id) -> tuple[Warehouse, Location | None]:
    """The warehouse and the location (if any) a count covers; both must be active, and the
    location in the warehouse when both are named."""
    warehouse = None
    if warehouse_id is not None:
        warehouse = Warehouse.objects.filter(pk=warehouse_id, is_active=True).first()
        if warehouse is None:
            raise ValidationError({"warehouse": f"No active warehouse has the id {warehouse_id}."})
    if location_id is None:
        if warehouse is None:
            raise ValidationError({"warehouse": "Choose a warehouse, or name a location."})
        return warehouse, None
    place = Location.objects.select_related("warehouse").filter(pk=location_id).first()
    if place is None or not place.is_active:
        raise ValidationError({"location": f"No active location has the id {location_id}."})
    if warehouse is not None and place.warehouse_id != warehouse.pk:
        raise ValidationError({"location": f"{place.full_path} is not in {warehouse.code}."})
    if not place.warehouse.is_active:
        raise ValidationError({"location": f"{place.warehouse.code} is inactive."})
    return place.warehouse, place
