"""Reorder points may order in whole packs of one of the product's packagings.

Existing reorder points get no packaging: they order exactly what is missing, as before.
"""

import django.db.models.deletion
from django.db import migrations, models

# A composite foreign key Django cannot declare: a reorder point's packaging is of its product.
PACKAGING_OF_PRODUCT = """
ALTER TABLE reorder_points ADD CONSTRAINT fk_reorder_points_packaging_of_product
    FOREIGN KEY (product_id, packaging_id) REFERENCES packagings (product_id, id)
"""


def add_unique(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "ALTER TABLE packagings ADD CONSTRAINT uq_packagings_product_id "
            "UNIQUE (product_id, id)",
            params=None,
        )
    else:
        schema_editor.execute(
            "CREATE UNIQUE INDEX uq_packagings_product_id ON packagings (product_id, id)",
            params=None,
        )


def drop_unique(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "ALTER TABLE packagings DROP CONSTRAINT uq_packagings_product_id", params=None
        )
    else:
        schema_editor.execute("DROP INDEX uq_packagings_product_id", params=None)


def add_composite_key(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(PACKAGING_OF_PRODUCT, params=None)


def drop_composite_key(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "ALTER TABLE reorder_points DROP CONSTRAINT fk_reorder_points_packaging_of_product",
            params=None,
        )


class Migration(migrations.Migration):
    dependencies = [
        ("inventory", "0014_quants_list_and_lot_indexes"),
    ]

    operations = [
        migrations.AddField(
            model_name="reorderpoint",
            name="packaging",
            field=models.ForeignKey(
                blank=True,
                help_text="Order whole packs of this packaging (rounded up to reach the target).",
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="inventory.packaging",
            ),
        ),
        # SQLite would rebuild the packagings table for a unique constraint, and the barcode
        # triggers on products name that table: a unique index there says the same.
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AddConstraint(
                    model_name="packaging",
                    constraint=models.UniqueConstraint(
                        fields=("product", "id"), name="uq_packagings_product_id"
                    ),
                ),
            ],
            database_operations=[migrations.RunPython(add_unique, drop_unique)],
        ),
        migrations.RunPython(add_composite_key, drop_composite_key),
    ]
