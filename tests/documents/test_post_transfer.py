import pytest

from documents.services import document_post
from inventory.exceptions import InsufficientStock, Shortage
from tests.factories import ProductFactory
from tests.support.documents import make_document, post
from tests.support.stock import stock, total

pytestmark = pytest.mark.django_db


def test_transfer_moves_stock_and_conserves_the_total(warehouse, other_warehouse, product):
    post("receipt", warehouse, [(product, 10)])
    document = post("transfer", warehouse, [(product, 4)], destination=other_warehouse)

    assert stock(warehouse, product) == 6
    assert stock(other_warehouse, product) == 4
    assert total(product) == 10
    assert sorted(document.movements.values_list("warehouse_id", "quantity")) == sorted(
        [(warehouse.pk, -4), (other_warehouse.pk, 4)]
    )


def test_short_transfer_changes_neither_warehouse(warehouse, other_warehouse):
    a, b = ProductFactory.create_batch(2)
    post("receipt", warehouse, [(a, 10), (b, 1)])
    post("receipt", other_warehouse, [(b, 5)])
    document = make_document("transfer", warehouse, [(a, 3), (b, 2)], destination=other_warehouse)

    with pytest.raises(InsufficientStock) as raised:
        document_post(document_id=document.pk)

    assert raised.value.shortages == [
        Shortage(product=b.pk, warehouse=warehouse.pk, requested=2, available=1)
    ]
    assert (stock(warehouse, a), stock(warehouse, b)) == (10, 1)
    assert (stock(other_warehouse, a), stock(other_warehouse, b)) == (0, 5)
    assert (total(a), total(b)) == (10, 6)
