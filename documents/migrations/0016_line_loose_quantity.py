"""A line entered in packs may carry loose steps beside them ("3 cases + 4"); existing lines
have none, so they read as before."""

import django.db.models.expressions
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("documents", "0015_drafts_and_created_at_indexes"),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name="documentline",
            name="check_document_lines_packaging_exact",
        ),
        migrations.AddField(
            model_name="documentline",
            name="loose_quantity",
            field=models.BigIntegerField(blank=True, null=True),
        ),
        migrations.AddConstraint(
            model_name="documentline",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(
                        ("loose_quantity__isnull", True),
                        ("packaging__isnull", True),
                        ("packaging_quantity__isnull", True),
                        ("packaging_size__isnull", True),
                    ),
                    models.Q(
                        ("loose_quantity__isnull", True),
                        ("packaging__isnull", False),
                        ("packaging_quantity__isnull", False),
                        ("packaging_size__gte", 2),
                        (
                            "quantity",
                            django.db.models.expressions.CombinedExpression(
                                models.F("packaging_quantity"), "*", models.F("packaging_size")
                            ),
                        ),
                    ),
                    models.Q(
                        ("loose_quantity__gte", 0),
                        ("loose_quantity__isnull", False),
                        ("packaging__isnull", False),
                        ("packaging_quantity__gte", 0),
                        ("packaging_quantity__isnull", False),
                        ("packaging_size__gte", 2),
                        (
                            "quantity",
                            django.db.models.expressions.CombinedExpression(
                                django.db.models.expressions.CombinedExpression(
                                    models.F("packaging_quantity"), "*", models.F("packaging_size")
                                ),
                                "+",
                                models.F("loose_quantity"),
                            ),
                        ),
                    ),
                    _connector="OR",
                ),
                name="check_document_lines_packaging_exact",
            ),
        ),
    ]
