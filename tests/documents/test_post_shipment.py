import pytest

from documents.models import Document, Status
from documents.services import document_post
from inventory.exceptions import InsufficientStock, Shortage
from inventory.models import StockMovement, WarehouseInventory
from tests.factories import ProductFactory
from tests.support.documents import make_document, post
from tests.support.stock import stock, total

pytestmark = pytest.mark.django_db


def test_shipment_takes_stock(warehouse, product):
    post("receipt", warehouse, [(product, 10)])
    document = post("shipment", warehouse, [(product, 4)])
    assert stock(warehouse, product) == 6
    assert total(product) == 6
    assert list(document.movements.values_list("quantity", flat=True)) == [-4]


def test_shipment_of_everything_leaves_zero(warehouse, product):
    post("receipt", warehouse, [(product, 10)])
    post("shipment", warehouse, [(product, 10)])
    assert stock(warehouse, product) == 0
    assert total(product) == 0


def test_one_short_line_of_many_changes_nothing_and_names_every_shortage(warehouse):
    products = ProductFactory.create_batch(5)
    post("receipt", warehouse, [(p, 10) for p in products])
    movements_before = StockMovement.objects.count()
    lines = [(products[0], 5), (products[1], 11), (products[2], 10), (products[3], 12)]
    document = make_document("shipment", warehouse, lines)

    with pytest.raises(InsufficientStock) as raised:
        document_post(document_id=document.pk)

    assert raised.value.shortages == [
        Shortage(product=products[1].pk, warehouse=warehouse.pk, requested=11, available=10),
        Shortage(product=products[3].pk, warehouse=warehouse.pk, requested=12, available=10),
    ]
    assert products[1].sku in raised.value.message and warehouse.code in raised.value.message
    assert [stock(warehouse, p) for p in products] == [10] * 5
    assert [total(p) for p in products] == [10] * 5
    assert StockMovement.objects.count() == movements_before
    assert Document.objects.get(pk=document.pk).status == Status.DRAFT


def test_shipment_of_a_product_never_received_is_short_and_creates_no_row(warehouse, product):
    document = make_document("shipment", warehouse, [(product, 1)])
    with pytest.raises(InsufficientStock) as raised:
        document_post(document_id=document.pk)
    assert raised.value.shortages == [
        Shortage(product=product.pk, warehouse=warehouse.pk, requested=1, available=0)
    ]
    assert not WarehouseInventory.objects.filter(product=product).exists()


def test_stock_in_another_warehouse_does_not_count(warehouse, other_warehouse, product):
    post("receipt", other_warehouse, [(product, 50)])
    document = make_document("shipment", warehouse, [(product, 1)])
    with pytest.raises(InsufficientStock):
        document_post(document_id=document.pk)
    assert stock(other_warehouse, product) == 50
