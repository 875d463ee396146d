import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from inventory.models import Quant, WarehouseInventory
from tests.support.documents import post

pytestmark = pytest.mark.django_db


def mismatches(capsys) -> str:
    with pytest.raises(CommandError) as raised:
        call_command("reconcile_stock")
    assert raised.value.returncode == 1
    return capsys.readouterr().err


def test_agreeing_stock_passes(warehouse, product, capsys):
    post("receipt", warehouse, [(product, 10)])
    post("shipment", warehouse, [(product, 3)])
    call_command("reconcile_stock")
    assert "agree" in capsys.readouterr().out


def test_a_stock_row_that_disagrees_with_its_quants_is_reported_and_exits_1(
    warehouse, product, capsys
):
    post("receipt", warehouse, [(product, 10)])
    # Someone edits a quantity behind the system's back.
    with connection.cursor() as cursor:
        cursor.execute("UPDATE warehouse_inventory SET quantity = 12")

    err = mismatches(capsys)

    assert (
        f"stock of product {product.pk} in warehouse {warehouse.pk} is 12 (0 reserved), "
        "its quants sum to 10 (0 reserved)" in err
    )
    assert f"total of product {product.pk} is 10 (0 reserved), its stock rows sum to 12" in err


def test_a_quant_that_disagrees_with_the_ledger_is_reported(warehouse, product, capsys):
    post("receipt", warehouse, [(product, 10)])
    quant = Quant.objects.get()
    with connection.cursor() as cursor:
        cursor.execute("UPDATE stock_quants SET quantity = 9")
    assert f"quant {quant.pk} (product {product.pk}" in mismatches(capsys)


@pytest.mark.postgres
def test_a_broken_balance_chain_is_reported(warehouse, product, capsys):
    post("receipt", warehouse, [(product, 10)])
    post("shipment", warehouse, [(product, 4)])
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("ALTER TABLE stock_movements DISABLE TRIGGER stock_movements_append_only")
        cursor.execute("UPDATE stock_movements SET balance_after = 5 WHERE quantity = -4")
        cursor.execute("ALTER TABLE stock_movements ENABLE TRIGGER stock_movements_append_only")
    assert "says balance_after 5, its ledger up to it sums to 6" in mismatches(capsys)


def test_reserved_sums_that_disagree_are_reported(warehouse, product, capsys):
    post("receipt", warehouse, [(product, 10)])
    with connection.cursor() as cursor:
        cursor.execute("UPDATE warehouse_inventory SET reserved = 2")
    assert "(2 reserved), its quants sum to 10 (0 reserved)" in mismatches(capsys)


def test_a_stock_row_without_quants_is_reported(warehouse, product, capsys):
    WarehouseInventory.objects.create(warehouse=warehouse, product=product, quantity=5)
    assert "its quants sum to 0" in mismatches(capsys)


def test_sums_too_large_to_compute_are_reported_not_raised(
    warehouse, other_warehouse, product, capsys
):
    for w in (warehouse, other_warehouse):
        post("receipt", w, [(product, 1)])
    with connection.cursor() as cursor:
        # Corrupt on purpose: rows whose sum passes a bigint (SQLite's SUM raises on that).
        cursor.execute("UPDATE warehouse_inventory SET quantity = 9223372036854775807")
    err = mismatches(capsys)
    big = 9223372036854775807
    assert f"stock of product {product.pk} in warehouse {warehouse.pk} is {big}" in err
    assert "total" in err
