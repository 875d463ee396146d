"""Returns: a document type that names the posted shipment it returns (origin).

On PostgreSQL a composite foreign key keeps a return in its shipment's warehouse (SQLite cannot
add one to an existing table; the service checks it there). Managers gain the permission to post
returns.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

SAME_WAREHOUSE = """
ALTER TABLE documents ADD CONSTRAINT fk_documents_origin_same_warehouse
    FOREIGN KEY (origin_id, warehouse_id) REFERENCES documents (id, warehouse_id)
    DEFERRABLE INITIALLY DEFERRED
"""
SAME_WAREHOUSE_DROP = (
    "ALTER TABLE documents DROP CONSTRAINT IF EXISTS fk_documents_origin_same_warehouse"
)


def same_warehouse(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(SAME_WAREHOUSE, params=None)


def same_warehouse_drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(SAME_WAREHOUSE_DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [
        ("documents", "0010_pick_lists"),
        ("warehouses", "0002_locations"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="document",
            options={
                "ordering": ["-id"],
                "permissions": [
                    ("post_document", "Can post documents"),
                    ("cancel_document", "Can cancel documents"),
                    ("post_stock_correction", "Can post adjustments and counts"),
                    ("post_return", "Can post returns"),
                ],
            },
        ),
        migrations.RemoveConstraint(
            model_name="document",
            name="check_documents_doc_type_valid",
        ),
        migrations.AddField(
            model_name="document",
            name="origin",
            field=models.ForeignKey(
                blank=True,
                help_text="Returns only: the posted shipment whose goods come back.",
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="returns",
                to="documents.document",
            ),
        ),
        migrations.AlterField(
            model_name="document",
            name="doc_type",
            field=models.CharField(
                choices=[
                    ("receipt", "receipt"),
                    ("shipment", "shipment"),
                    ("transfer", "transfer"),
                    ("adjustment", "adjustment"),
                    ("count", "count"),
                    ("return", "return"),
                ],
                max_length=16,
            ),
        ),
        migrations.AddConstraint(
            model_name="document",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    (
                        "doc_type__in",
                        ["receipt", "shipment", "transfer", "adjustment", "count", "return"],
                    )
                ),
                name="check_documents_doc_type_valid",
            ),
        ),
        migrations.AddConstraint(
            model_name="document",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("doc_type", "return"), ("origin__isnull", False)),
                    models.Q(
                        models.Q(("doc_type", "return"), _negated=True), ("origin__isnull", True)
                    ),
                    _connector="OR",
                ),
                name="check_documents_origin_return_only",
            ),
        ),
        migrations.AddConstraint(
            model_name="document",
            constraint=models.UniqueConstraint(
                fields=("id", "warehouse"), name="uq_documents_id_warehouse"
            ),
        ),
        migrations.RunPython(same_warehouse, same_warehouse_drop),
        migrations.RunPython(migrations.RunPython.noop, migrations.RunPython.noop),
    ]
