"""What verify_schema expects: the deployment guide's names, and every name the models declare."""

from django.apps import apps
from django.db import connection

# Fixed by the deployment guide: ops query these by name.
GUIDE_INDEXES = {
    "products": ["ix_products_name"],
    "documents": [
        "ix_documents_status_created_at",
        "ix_documents_type_status",
        "ix_documents_created_by_created_at",
    ],
    "warehouse_inventory": ["ix_warehouse_inventory_warehouse_product"],
}
GUIDE_CHECK_CONSTRAINTS = {
    "inventory": ["check_inventory_quantity_positive"],
    "warehouse_inventory": ["check_warehouse_inventory_quantity_positive"],
    "products": ["check_product_price_positive"],
}

# The guide's own verification query, limited to the schema the application uses.
GUIDE_INDEX_QUERY = """
    SELECT schemaname, tablename, indexname
    FROM pg_indexes
    WHERE tablename = ANY(%s) AND schemaname = current_schema()
"""
CONSTRAINT_QUERY = """
    SELECT rel.relname, con.conname
    FROM pg_constraint con JOIN pg_class rel ON rel.oid = con.conrelid
    WHERE rel.relname = ANY(%s) AND rel.relnamespace = current_schema()::regnamespace
"""


def expected_names() -> dict[str, set[str]]:
    """{table: {index or constraint name}} that must exist."""
    expected: dict[str, set[str]] = {}
    for source in (GUIDE_INDEXES, GUIDE_CHECK_CONSTRAINTS):
        for table, names in source.items():
            expected.setdefault(table, set()).update(names)
    for model in apps.get_models():
        meta = model._meta
        if not meta.managed or meta.proxy:
            continue
        names = {i.name for i in meta.indexes} | {c.name for c in meta.constraints}
        if names:
            expected.setdefault(meta.db_table, set()).update(names)
    return expected


def existing_names(tables: list[str]) -> dict[str, set[str]]:
    """{table: {index and constraint names}} in the database."""
    found: dict[str, set[str]] = {table: set() for table in tables}
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(GUIDE_INDEX_QUERY, [tables])
            for _, table, name in cursor.fetchall():
                found[table].add(name)
            cursor.execute(CONSTRAINT_QUERY, [tables])
            for table, name in cursor.fetchall():
                found[table].add(name)
        else:
            existing_tables = set(connection.introspection.table_names(cursor))
            for table in tables:
                if table in existing_tables:
                    found[table].update(connection.introspection.get_constraints(cursor, table))
    return found


def missing_names() -> list[tuple[str, str]]:
    """[(table, name)] expected but absent, sorted."""
    expected = expected_names()
    found = existing_names(sorted(expected))
    return sorted(
        (table, name) for table, names in expected.items() for name in names - found[table]
    )
