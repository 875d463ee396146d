import pytest

from documents.services import document_post
from tests.factories import ProductFactory
from tests.support.documents import make_document, post
from tests.support.stock import stock, total

pytestmark = pytest.mark.django_db


def test_count_sets_stock_to_the_counted_quantity(warehouse):
    over, under, same, new = ProductFactory.create_batch(4)
    post("receipt", warehouse, [(over, 10), (under, 10), (same, 10)])
    document = post("count", warehouse, [(over, 7), (under, 12), (same, 10), (new, 5)])

    assert [stock(warehouse, p) for p in (over, under, same, new)] == [7, 12, 10, 5]
    assert [total(p) for p in (over, under, same, new)] == [7, 12, 10, 5]
    # The ledger holds the deltas found at posting time; an exact count moves nothing.
    assert sorted(document.movements.values_list("product_id", "quantity")) == sorted(
        [(over.pk, -3), (under.pk, 2), (new.pk, 5)]
    )


def test_count_delta_is_taken_at_posting_time_not_at_drafting(warehouse, product):
    post("receipt", warehouse, [(product, 10)])
    count = make_document("count", warehouse, [(product, 8)])
    post("shipment", warehouse, [(product, 4)])  # happens after the count was drafted

    document_post(document_id=count.pk)

    assert stock(warehouse, product) == 8
    assert list(count.movements.values_list("quantity", flat=True)) == [2]


def test_count_of_zero_empties_the_row(warehouse, product):
    post("receipt", warehouse, [(product, 10)])
    post("count", warehouse, [(product, 0)])
    assert stock(warehouse, product) == 0
    assert total(product) == 0
