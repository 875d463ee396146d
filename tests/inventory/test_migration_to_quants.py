"""The migration to locations and quants keeps existing stock where it is and the ledger whole.

A database is built by the migrations before the change, stock is put in it the way the old
engine wrote it (stock rows, totals, ledger), and then migrated forward.
"""

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from inventory.selectors import stock_mismatches

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [
    ("warehouses", "0001_initial"),
    ("inventory", "0002_stock_movements_append_only"),
    ("documents", "0004_posting_failures"),
]
AFTER = [
    ("warehouses", "0002_locations"),
    # Later than the change itself: reconcile_stock reads the ledger closings (0011) and
    # checks returns against their shipments (documents 0011).
    ("inventory", "0011_ledger_closings"),
    ("documents", "0011_returns"),
]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)


def sql(statement, params=()):
    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        return cursor.fetchall() if cursor.description else None


def old_posting(number, warehouse, product, line_quantities, when):
    """What the old engine wrote for one document: the document, lines, ledger rows."""
    sql(
        "INSERT INTO documents (number, doc_type, status, warehouse_id, reference, note, "
        "created_at, updated_at, posted_at) VALUES (%s, 'receipt', 'posted', %s, '', '', "
        "%s, %s, %s)",
        [number, warehouse, when, when, when],
    )
    [(document,)] = sql("SELECT id FROM documents WHERE number = %s", [number])
    for quantity in line_quantities:
        sql(
            "INSERT INTO document_lines (document_id, product_id, quantity) VALUES (%s, %s, %s)",
            [document, product, abs(quantity)],
        )
        [(line,)] = sql("SELECT MAX(id) FROM document_lines")
        sql(
            "INSERT INTO stock_movements (document_id, document_line_id, warehouse_id, "
            "product_id, quantity, is_reversal, created_at) VALUES (%s, %s, %s, %s, %s, %s, %s)",
            [document, line, warehouse, product, quantity, False, when],
        )


def test_existing_stock_moves_to_default_locations_and_the_ledger_gets_balances():
    migrate(BEFORE)
    try:
        now = "2026-01-01T10:00:00+00:00"
        sql(
            "INSERT INTO warehouses (code, name, location, is_active, created_at, updated_at) "
            "VALUES ('OLD', 'Old', '', TRUE, %s, %s), ('OLD2', 'Old 2', '', TRUE, %s, %s)",
            [now] * 4,
        )
        sql(
            "INSERT INTO products (sku, name, description, unit, price, is_active, created_at, "
            "updated_at) VALUES ('P1', 'One', '', 'pcs', 0, TRUE, %s, %s)",
            [now, now],
        )
        warehouses = dict(sql("SELECT code, id FROM warehouses"))
        [(product,)] = sql("SELECT id FROM products")
        old_posting("RCV-1", warehouses["OLD"], product, [10], now)
        old_posting("SHP-2", warehouses["OLD"], product, [-3], now)
        old_posting("RCV-3", warehouses["OLD2"], product, [5], now)
        old_posting("SHP-4", warehouses["OLD2"], product, [-5], now)
        sql(
            "INSERT INTO warehouse_inventory (warehouse_id, product_id, quantity, updated_at) "
            "VALUES (%s, %s, 7, %s), (%s, %s, 0, %s)",
            [warehouses["OLD"], product, now, warehouses["OLD2"], product, now],
        )
        sql(
            "INSERT INTO inventory (product_id, quantity, updated_at) VALUES (%s, 7, %s)",
            [product, now],
        )
        [(ledger_rows,)] = sql("SELECT COUNT(*) FROM stock_movements")

        migrate(AFTER)

        roots = dict(
            sql("SELECT warehouse_id, id FROM locations WHERE parent_id IS NULL AND path = ''")
        )
        assert set(roots) == set(warehouses.values())
        quants = sql(
            "SELECT warehouse_id, location_id, lot_id, quantity, reserved FROM stock_quants "
            "ORDER BY warehouse_id"
        )
        assert quants == [
            (warehouses["OLD"], roots[warehouses["OLD"]], None, 7, 0),
            (warehouses["OLD2"], roots[warehouses["OLD2"]], None, 0, 0),
        ]
        assert sql("SELECT COUNT(*) FROM stock_movements") == [(ledger_rows,)]
        assert sql(
            "SELECT m.quantity, m.balance_after, m.location_id = q.location_id "
            "FROM stock_movements m JOIN stock_quants q ON q.id = m.quant_id ORDER BY m.id"
        ) == [(10, 10, True), (-3, 7, True), (5, 5, True), (-5, 0, True)]
        assert stock_mismatches() == []
    finally:
        call_command("migrate", verbosity=0)
        call_command("flush", "--no-input", verbosity=0)
