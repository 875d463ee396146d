from django.db import models

from wms.db import NamedIndex
from wms.validators import scannable_code


class Warehouse(models.Model):
    code = models.CharField(max_length=32, unique=True)
    name = models.CharField(max_length=200)
    location = models.CharField(max_length=255, blank=True)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        db_table = "warehouses"
        ordering = ["code"]
        indexes = [NamedIndex(fields=["location"], name="ix_warehouses_location")]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(code=""), name="check_warehouses_code_not_empty"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} — {self.name}"

    @property
    def default_location(self) -> "Location":
        """The root of the warehouse's location tree, made with the warehouse."""
        return self.locations.get(parent__isnull=True)

    @property
    def default_location_id(self) -> int:
        # Lists annotate root_id (one subquery for the page) instead of a query per row.
        return self.__dict__.get("root_id") or self.default_location.pk


class Location(models.Model):
    """A place inside one warehouse (zone, aisle, shelf, bin), in a tree.

    Every warehouse has exactly one root (``parent`` null), made by a database trigger when the
    warehouse row is inserted, so no way of creating a warehouse can leave it without one: the
    warehouse's default location. ``path`` holds the codes from below the root down to this
    location joined by "/" ("" for the root); the full path shown to people starts with the
    warehouse's code (see ``full_path``), so renaming a warehouse rewrites nothing.
    """

    # Indexed through uq_locations_warehouse_id, which leads with this column.
    warehouse = models.ForeignKey(
        Warehouse, on_delete=models.CASCADE, related_name="locations", db_index=False
    )
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, related_name="children", null=True, blank=True
    )
    code = models.CharField(max_length=32)
    name = models.CharField(max_length=200, blank=True)
    path = models.CharField(max_length=512, blank=True, editable=False)
    barcode = models.CharField(  # noqa: DJ001
        max_length=64, unique=True, null=True, blank=True, validators=[scannable_code]
    )
    pick_order = models.IntegerField(
        default=0, help_text="Pickers walk locations in this order, then by path."
    )
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        db_table = "locations"
        ordering = ["warehouse_id", "path"]
        indexes = [NamedIndex(fields=["warehouse", "path"], name="ix_locations_warehouse_path")]
        constraints = [
            # The target of the composite foreign keys that keep a parent, and a quant, in the
            # location's own warehouse (added in SQL by the migration: Django has no composite
            # foreign keys).
            models.UniqueConstraint(fields=["warehouse", "id"], name="uq_locations_warehouse_id"),
            models.UniqueConstraint(
                fields=["warehouse"],
                condition=models.Q(parent__isnull=True),
                name="uq_locations_one_root_per_warehouse",
            ),
            models.UniqueConstraint(
                fields=["parent", "code"],
                condition=models.Q(parent__isnull=False),
                name="uq_locations_parent_code",
            ),
            models.CheckConstraint(
                condition=~models.Q(code=""), name="check_locations_code_not_empty"
            ),
            models.CheckConstraint(
                condition=~models.Q(code__contains="/"), name="check_locations_code_no_slash"
            ),
            models.CheckConstraint(
                condition=~models.Q(parent=models.F("id")), name="check_locations_not_own_parent"
            ),
        ]

    def __str__(self) -> str:
        return self.full_path

    @property
    def is_root(self) -> bool:
        return self.parent_id is None

    @property
    def full_path(self) -> str:
        return join_path(self.warehouse.code, self.path)


def join_path(warehouse_code: str, path: str) -> str:
    """A location's path as people read it: MAIN for the root, MAIN/A/01 below it."""
    return f"{warehouse_code}/{path}" if path else warehouse_code
