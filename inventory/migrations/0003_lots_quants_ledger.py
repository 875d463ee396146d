"""Lots, quants, reserved quantities, and a ledger that says where and which lot.

Existing data: every stock row becomes one quant at its warehouse's default location with no
lot; every ledger row is pointed at that quant and gets its balance_after by replaying the
ledger in id order (a window sum, one statement). No ledger row is written: nothing moved. The
append-only trigger is lifted for this one statement and put back in the same transaction.
"""

import django.db.models.deletion
import wms.db
from django.db import migrations, models


CREATE_QUANTS = """
INSERT INTO stock_quants
    (warehouse_id, location_id, product_id, lot_id, is_serial, holds_serial, quantity, reserved,
     received_at, updated_at)
SELECT s.warehouse_id, l.id, s.product_id, NULL, FALSE, FALSE, s.quantity, 0, s.updated_at,
       s.updated_at
FROM warehouse_inventory s
JOIN locations l ON l.warehouse_id = s.warehouse_id AND l.parent_id IS NULL
"""
FILL_LEDGER = """
UPDATE stock_movements SET quant_id = r.quant_id, location_id = r.location_id,
                           balance_after = r.balance_after
FROM (
    SELECT m.id, q.id AS quant_id, q.location_id,
           SUM(m.quantity) OVER (PARTITION BY m.warehouse_id, m.product_id ORDER BY m.id)
               AS balance_after
    FROM stock_movements m
    JOIN stock_quants q ON q.warehouse_id = m.warehouse_id AND q.product_id = m.product_id
) r
WHERE stock_movements.id = r.id
"""
# Composite foreign keys Django cannot declare: a quant's warehouse is its location's, a quant's
# lot is of its product and carries its serial flag.
COMPOSITE_KEYS = """
ALTER TABLE stock_quants ADD CONSTRAINT fk_stock_quants_location_same_warehouse
    FOREIGN KEY (warehouse_id, location_id) REFERENCES locations (warehouse_id, id)
    DEFERRABLE INITIALLY DEFERRED;
ALTER TABLE stock_quants ADD CONSTRAINT fk_stock_quants_lot_of_product
    FOREIGN KEY (product_id, lot_id, is_serial) REFERENCES lots (product_id, id, is_serial)
    DEFERRABLE INITIALLY DEFERRED;
"""


def drop_composite_keys(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "ALTER TABLE stock_quants DROP CONSTRAINT fk_stock_quants_location_same_warehouse; "
            "ALTER TABLE stock_quants DROP CONSTRAINT fk_stock_quants_lot_of_product;",
            params=None,
        )


def move_existing_stock(apps, schema_editor):
    postgres = schema_editor.connection.vendor == "postgresql"
    schema_editor.execute(CREATE_QUANTS, params=None)
    if postgres:
        schema_editor.execute(
            "ALTER TABLE stock_movements DISABLE TRIGGER stock_movements_append_only", params=None
        )
    schema_editor.execute(FILL_LEDGER, params=None)
    if postgres:
        # The new columns' deferred foreign-key checks run now, so that the columns can be
        # altered to NOT NULL in this transaction.
        schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE", params=None)
        schema_editor.execute(
            "ALTER TABLE stock_movements ENABLE TRIGGER stock_movements_append_only", params=None
        )


def add_composite_keys(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(COMPOSITE_KEYS, params=None)


class Migration(migrations.Migration):
    dependencies = [
        ("inventory", "0002_stock_movements_append_only"),
        ("warehouses", "0002_locations"),
    ]

    operations = [
        migrations.CreateModel(
            name="Lot",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("code", models.CharField(max_length=64)),
                ("expires_on", models.DateField(blank=True, null=True)),
                ("is_serial", models.BooleanField(default=False, editable=False)),
                ("created_at", models.DateTimeField(auto_now_add=True)),
            ],
            options={
                "db_table": "lots",
                "ordering": ["product_id", "code"],
            },
        ),
        migrations.CreateModel(
            name="Quant",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("is_serial", models.BooleanField(default=False)),
                ("holds_serial", models.BooleanField(default=False)),
                ("quantity", models.BigIntegerField(default=0)),
                ("reserved", models.BigIntegerField(default=0)),
                ("received_at", models.DateTimeField(blank=True, null=True)),
                ("updated_at", models.DateTimeField(auto_now=True)),
            ],
            options={
                "db_table": "stock_quants",
                "ordering": ["location_id", "product_id", "lot_id"],
            },
        ),
        migrations.AddField(
            model_name="inventory",
            name="reserved",
            field=models.BigIntegerField(default=0),
        ),
        migrations.AddField(
            model_name="product",
            name="tracking",
            field=models.CharField(
                choices=[("none", "none"), ("lot", "lot"), ("serial", "serial")],
                default="none",
                help_text="lot: every unit belongs to a lot; serial: a lot of at most one unit.",
                max_length=8,
            ),
        ),
        migrations.AddField(
            model_name="stockmovement",
            name="balance_after",
            field=models.BigIntegerField(
                help_text="The quant's quantity right after this row.", null=True
            ),
        ),
        migrations.AddField(
            model_name="stockmovement",
            name="location",
            field=models.ForeignKey(
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="movements",
                to="warehouses.location",
            ),
        ),
        migrations.AddField(
            model_name="warehouseinventory",
            name="reserved",
            field=models.BigIntegerField(default=0),
        ),
        migrations.AlterField(
            model_name="stockmovement",
            name="quantity",
            field=models.BigIntegerField(help_text="Signed: positive into the location."),
        ),
        migrations.AddConstraint(
            model_name="inventory",
            constraint=models.CheckConstraint(
                condition=models.Q(("reserved__gte", 0)), name="check_inventory_reserved_positive"
            ),
        ),
        migrations.AddConstraint(
            model_name="inventory",
            constraint=models.CheckConstraint(
                condition=models.Q(("reserved__lte", models.F("quantity"))),
                name="check_inventory_reserved_within_quantity",
            ),
        ),
        migrations.AddConstraint(
            model_name="product",
            constraint=models.CheckConstraint(
                condition=models.Q(("tracking__in", ["none", "lot", "serial"])),
                name="check_products_tracking_valid",
            ),
        ),
        migrations.AddConstraint(
            model_name="warehouseinventory",
            constraint=models.CheckConstraint(
                condition=models.Q(("reserved__gte", 0)),
                name="check_warehouse_inventory_reserved_positive",
            ),
        ),
        migrations.AddConstraint(
            model_name="warehouseinventory",
            constraint=models.CheckConstraint(
                condition=models.Q(("reserved__lte", models.F("quantity"))),
                name="check_warehouse_inventory_reserved_within_quantity",
            ),
        ),
        migrations.AddField(
            model_name="lot",
            name="product",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="lots",
                to="inventory.product",
            ),
        ),
        migrations.AddField(
            model_name="stockmovement",
            name="lot",
            field=models.ForeignKey(
                blank=True,
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="movements",
                to="inventory.lot",
            ),
        ),
        migrations.AddField(
            model_name="quant",
            name="location",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="quants",
                to="warehouses.location",
            ),
        ),
        migrations.AddField(
            model_name="quant",
            name="lot",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="quants",
                to="inventory.lot",
            ),
        ),
        migrations.AddField(
            model_name="quant",
            name="product",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="quants",
                to="inventory.product",
            ),
        ),
        migrations.AddField(
            model_name="quant",
            name="warehouse",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="quants",
                to="warehouses.warehouse",
            ),
        ),
        migrations.AddField(
            model_name="stockmovement",
            name="quant",
            field=models.ForeignKey(
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="movements",
                to="inventory.quant",
            ),
        ),
        migrations.RunPython(move_existing_stock, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="stockmovement",
            name="quant",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="movements",
                to="inventory.quant",
            ),
        ),
        migrations.AlterField(
            model_name="stockmovement",
            name="location",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="movements",
                to="warehouses.location",
            ),
        ),
        migrations.AlterField(
            model_name="stockmovement",
            name="balance_after",
            field=models.BigIntegerField(help_text="The quant's quantity right after this row."),
        ),
        migrations.AddIndex(
            model_name="stockmovement",
            index=wms.db.NamedIndex(
                fields=["location", "id"], name="ix_stock_movements_location_id"
            ),
        ),
        migrations.AddIndex(
            model_name="stockmovement",
            index=wms.db.NamedIndex(
                fields=["quant", "created_at", "id"], name="ix_stock_movements_quant_created_at"
            ),
        ),
        migrations.AddIndex(
            model_name="stockmovement",
            index=wms.db.NamedIndex(
                condition=models.Q(("lot__isnull", False)),
                fields=["lot", "id"],
                name="ix_stock_movements_lot_id",
            ),
        ),
        migrations.AddConstraint(
            model_name="stockmovement",
            constraint=models.CheckConstraint(
                condition=models.Q(("balance_after__gte", 0)),
                name="check_stock_movements_balance_after_positive",
            ),
        ),
        migrations.AddIndex(
            model_name="lot",
            index=wms.db.NamedIndex(fields=["expires_on"], name="ix_lots_expires_on"),
        ),
        migrations.AddConstraint(
            model_name="lot",
            constraint=models.UniqueConstraint(
                fields=("product", "code"), name="uq_lots_product_code"
            ),
        ),
        migrations.AddConstraint(
            model_name="lot",
            constraint=models.UniqueConstraint(
                fields=("product", "id", "is_serial"), name="uq_lots_product_id_serial"
            ),
        ),
        migrations.AddConstraint(
            model_name="lot",
            constraint=models.CheckConstraint(
                condition=models.Q(("code", ""), _negated=True), name="check_lots_code_not_empty"
            ),
        ),
        migrations.AddIndex(
            model_name="quant",
            index=wms.db.NamedIndex(
                fields=["warehouse", "product"], name="ix_stock_quants_warehouse_product"
            ),
        ),
        migrations.AddIndex(
            model_name="quant",
            index=wms.db.NamedIndex(
                fields=["product", "location"], name="ix_stock_quants_product_location"
            ),
        ),
        migrations.AddConstraint(
            model_name="quant",
            constraint=models.UniqueConstraint(
                condition=models.Q(("lot__isnull", False)),
                fields=("location", "product", "lot"),
                name="uq_stock_quants_location_product_lot",
            ),
        ),
        migrations.AddConstraint(
            model_name="quant",
            constraint=models.UniqueConstraint(
                condition=models.Q(("lot__isnull", True)),
                fields=("location", "product"),
                name="uq_stock_quants_location_product_no_lot",
            ),
        ),
        migrations.AddConstraint(
            model_name="quant",
            constraint=models.UniqueConstraint(
                condition=models.Q(("holds_serial", True)),
                fields=("lot",),
                name="uq_stock_quants_serial_in_one_place",
            ),
        ),
        migrations.AddConstraint(
            model_name="quant",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("holds_serial", True), ("is_serial", True), ("quantity__gt", 0)),
                    models.Q(
                        ("holds_serial", False),
                        models.Q(("is_serial", False), ("quantity", 0), _connector="OR"),
                    ),
                    _connector="OR",
                ),
                name="check_stock_quants_holds_serial",
            ),
        ),
        migrations.AddConstraint(
            model_name="quant",
            constraint=models.CheckConstraint(
                condition=models.Q(("quantity__gte", 0)),
                name="check_stock_quants_quantity_positive",
            ),
        ),
        migrations.AddConstraint(
            model_name="quant",
            constraint=models.CheckConstraint(
                condition=models.Q(("reserved__gte", 0)),
                name="check_stock_quants_reserved_positive",
            ),
        ),
        migrations.AddConstraint(
            model_name="quant",
            constraint=models.CheckConstraint(
                condition=models.Q(("reserved__lte", models.F("quantity"))),
                name="check_stock_quants_reserved_within_quantity",
            ),
        ),
        migrations.AddConstraint(
            model_name="quant",
            constraint=models.CheckConstraint(
                condition=models.Q(("is_serial", False), ("quantity__lte", 1), _connector="OR"),
                name="check_stock_quants_serial_at_most_one",
            ),
        ),
        migrations.AddConstraint(
            model_name="quant",
            constraint=models.CheckConstraint(
                condition=models.Q(("is_serial", False), ("lot__isnull", False), _connector="OR"),
                name="check_stock_quants_serial_has_lot",
            ),
        ),
        migrations.RunPython(add_composite_keys, drop_composite_keys),
    ]
