"""The database itself refuses what the business forbids, under the guide's constraint names."""

from decimal import Decimal

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.models import ProtectedError

from inventory.models import Inventory, StockMovement, WarehouseInventory
from tests.factories import ProductFactory
from tests.support.documents import post

pytestmark = pytest.mark.django_db


def refused(constraint, call):
    with pytest.raises(IntegrityError) as raised, transaction.atomic():
        call()
    if connection.vendor == "postgresql":
        assert constraint in str(raised.value)


def test_negative_stock_is_refused(warehouse, product):
    refused(
        "check_warehouse_inventory_quantity_positive",
        lambda: WarehouseInventory.objects.create(
            warehouse=warehouse, product=product, quantity=-1
        ),
    )
    refused(
        "check_inventory_quantity_positive",
        lambda: Inventory.objects.create(product=product, quantity=-1),
    )


def test_negative_price_is_refused(db):
    refused("check_product_price_positive", lambda: ProductFactory(price=Decimal("-0.01")))


def test_one_stock_row_per_warehouse_and_product(warehouse, product):
    WarehouseInventory.objects.create(warehouse=warehouse, product=product)
    refused(
        "ix_warehouse_inventory_warehouse_product",
        lambda: WarehouseInventory.objects.create(warehouse=warehouse, product=product),
    )


def test_a_move_to_its_own_source_location_is_refused_by_the_database(warehouse, product):
    from documents.models import Document, DocumentLine

    document = Document.objects.create(
        doc_type="transfer", warehouse=warehouse, destination_warehouse=warehouse
    )
    root = warehouse.locations.get()
    refused(
        "check_document_lines_destination_differs",
        lambda: DocumentLine.objects.create(
            document=document,
            product=product,
            quantity=1,
            location=root,
            destination_location=root,
        ),
    )


def test_history_cannot_be_deleted(warehouse, product):
    document = post("receipt", warehouse, [(product, 1)])
    for obj in (product, warehouse, document):
        with pytest.raises(ProtectedError), transaction.atomic():
            obj.delete()


@pytest.mark.postgres
def test_the_ledger_is_append_only(warehouse, product):
    post("receipt", warehouse, [(product, 1)])
    for statement in ("UPDATE stock_movements SET quantity = 5", "DELETE FROM stock_movements"):
        with pytest.raises(IntegrityError) as raised, transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute(statement)
        assert "append-only" in str(raised.value)
    assert list(StockMovement.objects.values_list("quantity", flat=True)) == [1]
