"""audit_archives now records months detached into the archive schema (audit.archive), not
files. Archives of the earlier kind must be restored before this migration, with the release
that made them (`audit_archive --restore FILE`, newest first): their rows are not in any table
this release can attach, so the migration stops while one is recorded."""

import django.db.models.expressions
import django.utils.timezone
from django.db import migrations, models


def refuse_file_archives(apps, schema_editor):
    if apps.get_model("audit", "AuditArchive").objects.exists():
        raise RuntimeError(
            "audit_archives records archive files: restore them first with the previous "
            "release's `manage.py audit_archive --restore FILE` (newest first)."
        )


class Migration(migrations.Migration):
    dependencies = [("audit", "0004_audit_events_partitioned")]

    operations = [
        migrations.RunPython(refuse_file_archives, migrations.RunPython.noop, elidable=False),
        migrations.DeleteModel(name="AuditArchive"),
        migrations.CreateModel(
            name="AuditArchive",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "created_at",
                    models.DateTimeField(default=django.utils.timezone.now, editable=False),
                ),
                ("month", models.DateField(help_text="The first day of the month archived.")),
                (
                    "partition",
                    models.CharField(
                        help_text="Its table in the archive schema.", max_length=63
                    ),
                ),
                ("first_seal_seq", models.BigIntegerField(unique=True)),
                ("last_seal_seq", models.BigIntegerField(unique=True)),
                ("previous_hash", models.CharField(max_length=64)),
                ("anchor_hash", models.CharField(max_length=64)),
                ("rows", models.BigIntegerField()),
            ],
            options={
                "db_table": "audit_archives",
                "ordering": ["-last_seal_seq"],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(
                            ("first_seal_seq__gte", 1),
                            ("last_seal_seq__gte", models.F("first_seal_seq")),
                            (
                                "rows",
                                django.db.models.expressions.CombinedExpression(
                                    django.db.models.expressions.CombinedExpression(
                                        models.F("last_seal_seq"), "-", models.F("first_seal_seq")
                                    ),
                                    "+",
                                    models.Value(1),
                                ),
                            ),
                        ),
                        name="ck_audit_archives_range",
                    )
                ],
            },
        ),
    ]
