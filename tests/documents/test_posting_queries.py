"""Posting costs a constant number of queries, whatever the number of lines."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from documents.services import document_cancel, document_post
from tests.conftest import make_document, post
from tests.factories import ProductFactory

pytestmark = pytest.mark.django_db


def queries(call) -> int:
    with CaptureQueriesContext(connection) as captured:
        call()
    return len(captured)


@pytest.mark.parametrize("doc_type", ["receipt", "shipment", "adjustment", "count"])
def test_posting_100_lines_costs_the_queries_of_1(doc_type, warehouse):
    products = ProductFactory.create_batch(101)
    post("receipt", warehouse, [(p, 1000) for p in products])
    quantity = -1 if doc_type == "adjustment" else 7
    one = make_document(doc_type, warehouse, [(products[0], quantity)])
    hundred = make_document(doc_type, warehouse, [(p, quantity) for p in products[1:]])

    cost_one = queries(lambda: document_post(document_id=one.pk))
    cost_hundred = queries(lambda: document_post(document_id=hundred.pk))

    assert cost_one == cost_hundred
    assert hundred.movements.count() == 100


# 100 transfer lines write 200 ledger rows: SQLite caps a statement at 999 parameters, so Django
# splits that insert there; PostgreSQL takes it whole.
@pytest.mark.postgres
def test_transfer_and_cancel_cost_the_same_for_1_and_100_lines(warehouse, other_warehouse):
    products = ProductFactory.create_batch(101)
    post("receipt", warehouse, [(p, 1000) for p in products])
    one = make_document("transfer", warehouse, [(products[0], 5)], destination=other_warehouse)
    hundred = make_document(
        "transfer", warehouse, [(p, 5) for p in products[1:]], destination=other_warehouse
    )

    assert queries(lambda: document_post(document_id=one.pk)) == queries(
        lambda: document_post(document_id=hundred.pk)
    )
    assert queries(lambda: document_cancel(document_id=one.pk)) == queries(
        lambda: document_cancel(document_id=hundred.pk)
    )
