"""Reading warehouses and locations: queries the API, the admin and other apps share."""

from django.db.models import Q

from warehouses.models import Location


def within_location(location_id: int, prefix: str = "", warehouse_field: str = "") -> Q:
    """Rows (locations, or with ``prefix`` "location__" rows at a location) in the subtree of
    ``location_id``; nothing when it does not exist.

    ``warehouse_field`` names the rows' own warehouse column, which equals their location's
    (fk_stock_quants_location_same_warehouse): matching it too lets the planner walk that
    warehouse's rows in location order (ix_stock_quants_warehouse_location) instead of every
    row of the table."""
    root = Location.objects.filter(pk=location_id).values("warehouse_id", "path").first()
    if root is None:
        return Q(pk__in=[])
    match = Q(**{f"{prefix}warehouse_id": root["warehouse_id"]})
    if warehouse_field:
        match &= Q(**{warehouse_field: root["warehouse_id"]})
    if root["path"]:
        match &= Q(**{f"{prefix}path": root["path"]}) | Q(
            **{f"{prefix}path__startswith": root["path"] + "/"}
        )
    return match
