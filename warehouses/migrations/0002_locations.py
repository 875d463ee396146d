"""Locations: a tree per warehouse, whose root is made with the warehouse by a trigger.

The trigger (PostgreSQL and SQLite alike) means no way of creating a warehouse -- the API, the
admin, bulk_create, raw SQL -- leaves it without its default location. Existing warehouses get
their root here. On PostgreSQL a composite foreign key keeps a parent in its child's warehouse.
"""

import django.db.models.deletion
import wms.db
from django.db import migrations, models


ROOT_COLUMNS = (
    "warehouse_id, parent_id, code, name, path, barcode, pick_order, is_active, "
    "created_at, updated_at"
)

POSTGRES = f"""
CREATE FUNCTION warehouses_create_root_location() RETURNS trigger AS $$
BEGIN
    INSERT INTO locations ({ROOT_COLUMNS})
    VALUES (NEW.id, NULL, NEW.code, NEW.name, '', NULL, 0, TRUE, now(), now());
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER warehouses_create_root_location AFTER INSERT ON warehouses
    FOR EACH ROW EXECUTE FUNCTION warehouses_create_root_location();
ALTER TABLE locations ADD CONSTRAINT fk_locations_parent_same_warehouse
    FOREIGN KEY (warehouse_id, parent_id) REFERENCES locations (warehouse_id, id)
    DEFERRABLE INITIALLY DEFERRED;
"""
POSTGRES_DROP = """
ALTER TABLE locations DROP CONSTRAINT IF EXISTS fk_locations_parent_same_warehouse;
DROP TRIGGER IF EXISTS warehouses_create_root_location ON warehouses;
DROP FUNCTION IF EXISTS warehouses_create_root_location();
"""
SQLITE = f"""
CREATE TRIGGER warehouses_create_root_location AFTER INSERT ON warehouses
BEGIN
    INSERT INTO locations ({ROOT_COLUMNS})
    VALUES (NEW.id, NULL, NEW.code, NEW.name, '', NULL, 0, 1,
            strftime('%Y-%m-%d %H:%M:%f', 'now'), strftime('%Y-%m-%d %H:%M:%f', 'now'));
END;
"""
SQLITE_DROP = "DROP TRIGGER IF EXISTS warehouses_create_root_location;"

EXISTING_ROOTS = f"""
INSERT INTO locations ({ROOT_COLUMNS})
SELECT id, NULL, code, name, '', NULL, 0, is_active, created_at, created_at FROM warehouses
"""


def forwards(apps, schema_editor):
    schema_editor.execute(EXISTING_ROOTS, params=None)
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(POSTGRES, params=None)
    else:
        schema_editor.execute(SQLITE, params=None)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(POSTGRES_DROP, params=None)
    else:
        schema_editor.execute(SQLITE_DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [
        ("warehouses", "0001_initial"),
    ]

    operations = [
        migrations.CreateModel(
            name="Location",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("code", models.CharField(max_length=32)),
                ("name", models.CharField(blank=True, max_length=200)),
                ("path", models.CharField(blank=True, editable=False, max_length=512)),
                ("barcode", models.CharField(blank=True, max_length=64, null=True, unique=True)),
                (
                    "pick_order",
                    models.IntegerField(
                        default=0, help_text="Pickers walk locations in this order, then by path."
                    ),
                ),
                ("is_active", models.BooleanField(default=True)),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                ("updated_at", models.DateTimeField(auto_now=True)),
                (
                    "parent",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="children",
                        to="warehouses.location",
                    ),
                ),
                (
                    "warehouse",
                    models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="locations",
                        to="warehouses.warehouse",
                    ),
                ),
            ],
            options={
                "db_table": "locations",
                "ordering": ["warehouse_id", "path"],
                "indexes": [
                    wms.db.NamedIndex(
                        fields=["warehouse", "path"], name="ix_locations_warehouse_path"
                    )
                ],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("warehouse", "id"), name="uq_locations_warehouse_id"
                    ),
                    models.UniqueConstraint(
                        condition=models.Q(("parent__isnull", True)),
                        fields=("warehouse",),
                        name="uq_locations_one_root_per_warehouse",
                    ),
                    models.UniqueConstraint(
                        condition=models.Q(("parent__isnull", False)),
                        fields=("parent", "code"),
                        name="uq_locations_parent_code",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(("code", ""), _negated=True),
                        name="check_locations_code_not_empty",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(("code__contains", "/"), _negated=True),
                        name="check_locations_code_no_slash",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(("parent", models.F("id")), _negated=True),
                        name="check_locations_not_own_parent",
                    ),
                ],
            },
        ),
        migrations.RunPython(forwards, backwards),
    ]
