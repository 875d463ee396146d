"""Migration 0010 converts a populated ledger to the partitioned table and back, keeping every
row, id, name and rule; postings go on afterwards with ids continuing."""

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from inventory.selectors import stock_mismatches
from tests.factories import ProductFactory, WarehouseFactory
from tests.support.documents import post

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def migrate(target):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate([target])


def sql(statement):
    with connection.cursor() as cursor:
        cursor.execute(statement)
        return cursor.fetchall()


def ledger():
    return sql("SELECT * FROM stock_movements ORDER BY id")


def shape():
    """(relkind, primary key, trigger count, index names, constraint names)."""
    [(kind,)] = sql("SELECT relkind FROM pg_class WHERE relname = 'stock_movements'")
    [(key,)] = sql(
        "SELECT pg_get_constraintdef(oid) FROM pg_constraint "
        "WHERE conrelid = 'stock_movements'::regclass AND contype = 'p'"
    )
    triggers = sql(
        "SELECT tgname FROM pg_trigger WHERE tgrelid = 'stock_movements'::regclass "
        "AND NOT tgisinternal"
    )
    indexes = sql("SELECT indexname FROM pg_indexes WHERE tablename = 'stock_movements'")
    constraints = sql(
        "SELECT conname FROM pg_constraint WHERE conrelid = 'stock_movements'::regclass "
        "AND contype IN ('c', 'f')"
    )
    return kind, key, triggers, sorted(indexes), sorted(constraints)


def test_a_populated_ledger_is_converted_both_ways():
    warehouse, product = WarehouseFactory(), ProductFactory()
    try:
        post("receipt", warehouse, [(product, 10)])
        post("shipment", warehouse, [(product, 4)])
        rows = ledger()
        partitioned = shape()
        assert partitioned[:3] == (
            "p",
            "PRIMARY KEY (id, created_at)",
            [("stock_movements_append_only",)],
        )

        migrate(("inventory", "0009_uom_decimals_packagings"))
        plain = shape()
        assert plain[:3] == ("r", "PRIMARY KEY (id)", [("stock_movements_append_only",)])
        assert (plain[3], plain[4]) == (partitioned[3], partitioned[4])
        assert ledger() == rows
        post("receipt", warehouse, [(product, 1)])
        rows = ledger()
        assert rows[-1][0] > rows[-2][0]

        call_command("migrate", verbosity=0)
        assert shape() == partitioned
        assert ledger() == rows
        post("shipment", warehouse, [(product, 2)])
        assert ledger()[-1][0] > rows[-1][0]
        assert stock_mismatches() == []
        call_command("verify_schema")
    finally:
        call_command("migrate", verbosity=0)
        call_command("flush", "--no-input", verbosity=0)
