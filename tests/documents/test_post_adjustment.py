import pytest

from documents.services import document_post
from inventory.exceptions import InsufficientStock, Shortage
from tests.factories import ProductFactory
from tests.support.documents import make_document, post
from tests.support.stock import stock, total

pytestmark = pytest.mark.django_db


def test_adjustment_writes_off_and_adds_found_stock(warehouse):
    damaged, found = ProductFactory.create_batch(2)
    post("receipt", warehouse, [(damaged, 10)])
    document = post("adjustment", warehouse, [(damaged, -3), (found, 2)])

    assert stock(warehouse, damaged) == 7
    assert stock(warehouse, found) == 2
    assert (total(damaged), total(found)) == (7, 2)
    assert sorted(document.movements.values_list("product_id", "quantity")) == sorted(
        [(damaged.pk, -3), (found.pk, 2)]
    )


def test_write_off_below_zero_is_refused(warehouse, product):
    post("receipt", warehouse, [(product, 2)])
    document = make_document("adjustment", warehouse, [(product, -3)])
    with pytest.raises(InsufficientStock) as raised:
        document_post(document_id=document.pk)
    assert raised.value.shortages == [
        Shortage(
            product=product.pk,
            warehouse=warehouse.pk,
            requested=3,
            available=2,
            location=warehouse.default_location.pk,
        )
    ]
    assert stock(warehouse, product) == 2
