"""Locations: create, change, deactivate and delete places in a warehouse's tree.

Each function owns its transaction; the API and the admin call them. Whether a location holds
stock is read through the quants' reverse relation (``location.quants``), a relation between
tables: the warehouses code imports nothing from inventory.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, Value
from django.db.models.functions import Concat, Substr

from warehouses.models import Location, Warehouse
from wms.db import delete_unreferenced
from wms.exceptions import InUse

EDITABLE = ("code", "name", "barcode", "pick_order", "is_active")


def _child_path(parent: Location, code: str) -> str:
    return f"{parent.path}/{code}" if parent.path else code


def location_create(
    *,
    warehouse_id: int | None = None,
    parent_id: int | None = None,
    code: str,
    name: str = "",
    barcode: str | None = None,
    pick_order: int = 0,
    is_active: bool = True,
) -> Location:
    """A new location under ``parent_id`` (default: the warehouse's root)."""
    with transaction.atomic():
        if parent_id is not None:
            parent = Location.objects.select_for_update().filter(pk=parent_id).first()
            if parent is None:
                raise ValidationError({"parent": [f"Location {parent_id} does not exist."]})
            if warehouse_id is not None and parent.warehouse_id != warehouse_id:
                raise ValidationError({"parent": ["The parent is in another warehouse."]})
        else:
            if warehouse_id is None or not Warehouse.objects.filter(pk=warehouse_id).exists():
                raise ValidationError({"warehouse": [f"Warehouse {warehouse_id} does not exist."]})
            parent = Location.objects.get(warehouse_id=warehouse_id, parent__isnull=True)
        location = Location(
            warehouse_id=parent.warehouse_id,
            parent=parent,
            code=code,
            name=name,
            path=_child_path(parent, code),
            barcode=barcode or None,
            pick_order=pick_order,
            is_active=is_active,
        )
        _check_unique(location)
        location.save()
    return location


def _check_unique(location: Location) -> None:
    siblings = Location.objects.filter(parent_id=location.parent_id, code=location.code)
    if location.pk:
        siblings = siblings.exclude(pk=location.pk)
    errors = {}
    if siblings.exists():
        errors["code"] = [f"{location.code} is already used beside it."]
    if location.barcode:
        taken = Location.objects.filter(barcode=location.barcode).exclude(pk=location.pk)
        if taken.exists():
            errors["barcode"] = [f"Barcode {location.barcode} is already used."]
    if errors:
        raise ValidationError(errors)


def location_update(*, location_id: int, **changes) -> Location:
    """Change a location's code, name, barcode, pick order or active flag.

    A new code rewrites the paths below it in one statement. Deactivating a location that
    holds stock or has active children is refused (409), as is deactivating a root.
    """
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise ValidationError({f: ["This field cannot be changed."] for f in sorted(unknown)})
    with transaction.atomic():
        location = (
            Location.objects.select_for_update().select_related("warehouse").get(pk=location_id)
        )
        if location.is_root and ("code" in changes or changes.get("is_active") is False):
            raise InUse(f"{location} is the warehouse's default location; it cannot be changed.")
        if changes.get("is_active") is False and location.is_active:
            _refuse_if_holding(location, "deactivated")
        old_path = location.path
        for field, value in changes.items():
            setattr(location, field, value if field != "barcode" else (value or None))
        if "code" in changes and not location.is_root:
            location.path = _child_path(location.parent, location.code)
        _check_unique(location)
        location.save()
        if location.path != old_path:
            Location.objects.filter(
                warehouse_id=location.warehouse_id, path__startswith=f"{old_path}/"
            ).update(path=Concat(Value(location.path), Substr("path", len(old_path) + 1)))
    return location


def _refuse_if_holding(location: Location, verb: str) -> None:
    below = Location.objects.filter(warehouse_id=location.warehouse_id).filter(
        Q(path__startswith=f"{location.path}/") if location.path else ~Q(pk=location.pk)
    )
    if below.filter(is_active=True).exists():
        raise InUse(f"{location} has active locations below it; it cannot be {verb}.")
    if location.quants.filter(quantity__gt=0).exists():
        raise InUse(f"{location} holds stock; move it away first. It cannot be {verb}.")


def location_delete(*, location_id: int) -> None:
    """Delete a location nothing refers to (no stock, children, movements or lines): 409 else."""
    with transaction.atomic():
        location = (
            Location.objects.select_for_update().select_related("warehouse").get(pk=location_id)
        )
        if location.is_root:
            raise InUse(f"{location} is the warehouse's default location; it cannot be deleted.")
        _refuse_if_holding(location, "deleted")
        delete_unreferenced(location, instead="deactivate it instead.")
