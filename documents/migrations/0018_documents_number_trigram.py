"""A trigram index on the document number, beside ix_documents_reference_trgm: the admin's
search box finds "000123" inside SHP-000123 among a million documents from the index. The
unique index on number serves only exact and prefix lookups. PostgreSQL only (pg_trgm is made
by inventory 0012); SQLite scans, as before.
"""

from django.db import migrations


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "CREATE INDEX IF NOT EXISTS ix_documents_number_trgm ON documents "
            "USING gin (UPPER(number::text) gin_trgm_ops)"
        )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS ix_documents_number_trgm")


class Migration(migrations.Migration):
    dependencies = [
        ("documents", "0017_count_confirmations"),
        ("inventory", "0012_trigram_search"),
    ]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
