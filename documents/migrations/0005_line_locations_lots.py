"""Lines name locations and lots; a product may appear on several lines (one per lot or
location); a transfer may stay in its warehouse (an internal move, shelf to shelf)."""

import django.db.models.deletion
import wms.db
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("documents", "0004_posting_failures"),
        ("inventory", "0003_lots_quants_ledger"),
        ("warehouses", "0002_locations"),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name="document",
            name="check_documents_destination_differs",
        ),
        migrations.RemoveConstraint(
            model_name="documentline",
            name="uq_document_lines_document_product",
        ),
        migrations.AddField(
            model_name="documentline",
            name="destination_location",
            field=models.ForeignKey(
                blank=True,
                help_text="Transfers only; the destination warehouse's default location when empty.",
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="warehouses.location",
            ),
        ),
        migrations.AddField(
            model_name="documentline",
            name="location",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="warehouses.location",
            ),
        ),
        migrations.AddField(
            model_name="documentline",
            name="lot",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="inventory.lot",
            ),
        ),
        migrations.AlterField(
            model_name="document",
            name="destination_warehouse",
            field=models.ForeignKey(
                blank=True,
                help_text="Transfers only: where the goods go; the warehouse itself for an internal move.",
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="incoming_documents",
                to="warehouses.warehouse",
            ),
        ),
        migrations.AddIndex(
            model_name="documentline",
            index=wms.db.NamedIndex(
                fields=["document", "product"], name="ix_document_lines_document_product"
            ),
        ),
        migrations.AddConstraint(
            model_name="documentline",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("destination_location__isnull", True),
                    models.Q(("destination_location", models.F("location")), _negated=True),
                    _connector="OR",
                ),
                name="check_document_lines_destination_differs",
            ),
        ),
    ]
