"""Posting a return costs a constant number of queries, whatever its number of lines
(PostgreSQL: SQLite splits large inserts, see test_posting_queries)."""

import pytest

from documents.services import (
    LineInput,
    document_cancel,
    document_post,
    return_create,
)
from tests.documents.test_posting_queries import queries
from tests.factories import ProductFactory
from tests.support.documents import post_lines

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]


def test_posting_and_cancelling_a_100_line_return_costs_the_queries_of_1(warehouse):
    products = ProductFactory.create_batch(101, tracking="lot")
    post_lines("receipt", warehouse, [LineInput(p.pk, 10, lot=f"L{p.pk % 2}") for p in products])
    one_shipped = post_lines("shipment", warehouse, [LineInput(products[0].pk, 5)])
    hundred_shipped = post_lines("shipment", warehouse, [LineInput(p.pk, 5) for p in products[1:]])
    one = return_create(shipment_id=one_shipped.pk)
    hundred = return_create(shipment_id=hundred_shipped.pk)
    assert hundred.lines.count() == 100

    assert queries(lambda: document_post(document_id=one.pk)) == queries(
        lambda: document_post(document_id=hundred.pk)
    )
    assert hundred.movements.count() == 100
    assert queries(lambda: document_cancel(document_id=one.pk)) == queries(
        lambda: document_cancel(document_id=hundred.pk)
    )


def test_cancelling_a_shipment_checks_its_returns_in_one_query(warehouse):
    products = ProductFactory.create_batch(101)
    post_lines("receipt", warehouse, [LineInput(p.pk, 10) for p in products])
    one = post_lines("shipment", warehouse, [LineInput(products[0].pk, 5)])
    hundred = post_lines("shipment", warehouse, [LineInput(p.pk, 5) for p in products[1:]])

    assert queries(lambda: document_cancel(document_id=one.pk)) == queries(
        lambda: document_cancel(document_id=hundred.pk)
    )
