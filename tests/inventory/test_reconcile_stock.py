import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from inventory.models import WarehouseInventory
from tests.conftest import post

pytestmark = pytest.mark.django_db


def test_agreeing_stock_passes(warehouse, product, capsys):
    post("receipt", warehouse, [(product, 10)])
    post("shipment", warehouse, [(product, 3)])
    call_command("reconcile_stock")
    assert "agree" in capsys.readouterr().out


def test_stock_that_disagrees_with_the_ledger_is_reported_and_exits_1(warehouse, product, capsys):
    post("receipt", warehouse, [(product, 10)])
    # Someone edits a quantity behind the system's back.
    with connection.cursor() as cursor:
        cursor.execute("UPDATE warehouse_inventory SET quantity = 12")

    with pytest.raises(CommandError) as raised:
        call_command("reconcile_stock")

    assert raised.value.returncode == 1
    err = capsys.readouterr().err
    assert f"stock of product {product.pk} in warehouse {warehouse.pk} is 12" in err
    assert "the ledger sums to 10" in err
    assert f"total of product {product.pk} is 10, its stock rows sum to 12" in err


def test_a_stock_row_without_movements_is_reported(warehouse, product, capsys):
    WarehouseInventory.objects.create(warehouse=warehouse, product=product, quantity=5)
    with pytest.raises(CommandError):
        call_command("reconcile_stock")
    assert "the ledger sums to 0" in capsys.readouterr().err
