"""The ledger partitioned by month (PostgreSQL): partitions made ahead, the DEFAULT partition
watched, and every CHECK, index and the append-only rule holding on every partition."""

from datetime import UTC, date, datetime

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from inventory.models import StockMovement
from inventory.partitions import DEFAULT, TABLE, next_month, partition_name
from tests.support.documents import post

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]


def sql(statement, params=()):
    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        return cursor.fetchall() if cursor.description else None


def attached() -> list[str]:
    return [
        name
        for (name,) in sql(
            "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
            "WHERE i.inhparent = %s::regclass ORDER BY c.relname",
            [TABLE],
        )
    ]


def copy_row(created_at, *, table=TABLE, **changes):
    """A copy of the first ledger row at ``created_at`` (and with ``changes``), by raw SQL."""
    columns = {
        "document_id": "document_id",
        "document_line_id": "document_line_id",
        "warehouse_id": "warehouse_id",
        "location_id": "location_id",
        "product_id": "product_id",
        "lot_id": "lot_id",
        "quant_id": "quant_id",
        "quantity": "quantity",
        "balance_after": "balance_after",
        "is_reversal": "is_reversal",
    }
    columns.update({name: "%s" for name in changes})
    sql(
        f"INSERT INTO {table} (id, {', '.join(columns)}, created_at) "
        f"SELECT nextval('stock_movements_id_seq'), {', '.join(columns.values())}, %s "
        "FROM stock_movements ORDER BY id LIMIT 1",
        [*changes.values(), created_at],
    )


def month_instant(month: date) -> datetime:
    return datetime(month.year, month.month, 15, 12, tzinfo=UTC)


def test_migrate_makes_this_and_next_month_and_the_command_makes_more(capsys):
    this_month = timezone.now().date().replace(day=1)
    names = attached()
    assert partition_name(this_month) in names
    assert partition_name(next_month(this_month)) in names
    assert DEFAULT in names
    call_command("ledger_partitions", ahead=4)
    month = this_month
    for _ in range(5):
        assert partition_name(month) in attached()
        month = next_month(month)
    out = capsys.readouterr().out
    assert "every DEFAULT partition is empty" in out and f"{DEFAULT}" in out and "MiB" in out
    call_command("ledger_partitions", ahead=4)  # daily runs: nothing more to make
    assert "made " not in capsys.readouterr().out


def test_a_movement_no_month_takes_lands_in_default_and_is_reported(warehouse, product, capsys):
    post("receipt", warehouse, [(product, 3)])
    copy_row(datetime(2199, 1, 1, tzinfo=UTC))
    assert sql(f"SELECT COUNT(*) FROM {DEFAULT}") == [(1,)]
    with pytest.raises(CommandError, match=f"{DEFAULT} holds 1 row"):
        call_command("ledger_partitions")
    call_command("check_db")
    assert f"WARNING: {DEFAULT} holds 1 {TABLE} row" in capsys.readouterr().err


def test_checks_and_append_only_hold_on_every_partition(warehouse, product):
    post("receipt", warehouse, [(product, 3)])
    this_month = timezone.now().date().replace(day=1)
    past = date(this_month.year - 1, this_month.month, 1)
    call_command("ledger_partitions", ahead=1, quiet=True)
    with connection.cursor() as cursor:
        from inventory.partitions import create_month

        create_month(cursor, past)
    instants = {
        partition_name(past): month_instant(past),
        partition_name(this_month): month_instant(this_month),
        partition_name(next_month(this_month)): month_instant(next_month(this_month)),
        DEFAULT: datetime(2199, 1, 1, tzinfo=UTC),
    }
    for partition, instant in instants.items():
        for table in (TABLE, partition):  # through the parent and into the partition itself
            for bad, constraint in (
                ({"quantity": 0}, "check_stock_movements_quantity_not_zero"),
                ({"balance_after": -1}, "check_stock_movements_balance_after_positive"),
            ):
                with pytest.raises(IntegrityError, match=constraint), transaction.atomic():
                    copy_row(instant, table=table, **bad)
        copy_row(instant, table=partition)
        [(moved,)] = sql(f"SELECT id FROM {partition} ORDER BY id DESC LIMIT 1")
        for statement in (f"UPDATE {partition} SET quantity = 5", f"DELETE FROM {partition}"):
            with pytest.raises(IntegrityError, match="append-only"), transaction.atomic():
                sql(f"{statement} WHERE id = %s", [moved])
        assert StockMovement.objects.filter(pk=moved).exists()


def test_every_partition_has_every_index_of_the_parent():
    call_command("ledger_partitions", ahead=2, quiet=True)
    parent = dict(
        sql(
            "SELECT c.relname, c.oid FROM pg_index x JOIN pg_class c ON c.oid = x.indexrelid "
            "WHERE x.indrelid = %s::regclass",
            [TABLE],
        )
    )
    assert {
        "stock_movements_pkey",
        "ix_stock_movements_product_id",
        "ix_stock_movements_warehouse_id",
        "ix_stock_movements_location_id",
        "ix_stock_movements_quant_created_at",
        "ix_stock_movements_lot_id",
        "ix_stock_movements_created_at",
    } <= set(parent)
    for partition in attached():
        children = sql(
            "SELECT i.inhparent FROM pg_index x JOIN pg_inherits i ON i.inhrelid = x.indexrelid "
            "WHERE x.indrelid = %s::regclass",
            [partition],
        )
        assert sorted(oid for (oid,) in children) == sorted(parent.values()), partition
    [(key,)] = sql(
        "SELECT pg_get_constraintdef(oid) FROM pg_constraint "
        "WHERE conrelid = %s::regclass AND contype = 'p'",
        [TABLE],
    )
    assert key == "PRIMARY KEY (id, created_at)"


def test_nothing_holds_a_foreign_key_into_the_ledger():
    assert (
        sql(
            "SELECT conname FROM pg_constraint WHERE contype = 'f' AND confrelid = %s::regclass",
            [TABLE],
        )
        == []
    )
