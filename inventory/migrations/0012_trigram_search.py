"""Substring search (the admin's search box: ``UPPER(col) LIKE UPPER('%text%')``) served by
trigram indexes on PostgreSQL, so finding a product by part of its name or SKU, or a document
by part of its reference, reads an index instead of every row. The guide's ix_products_name
stays for exact and prefix lookups. pg_trgm is a trusted extension (PostgreSQL 13+): the
database's owner may create it. SQLite has no such index and scans, as before.
"""

from django.db import migrations

INDEXES = [
    ("ix_products_name_trgm", "products", "name"),
    ("ix_products_sku_trgm", "products", "sku"),
    ("ix_documents_reference_trgm", "documents", "reference"),
]


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, table, column in INDEXES:
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {name} ON {table} "
            f"USING gin (UPPER({column}::text) gin_trgm_ops)"
        )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, _, _ in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [
        ("inventory", "0011_ledger_closings"),
        ("documents", "0011_returns"),
    ]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
