"""Posting costs a constant number of queries, whatever the number of lines.

PostgreSQL only: SQLite caps a statement at 999 parameters, so Django splits the inserts of many
ledger rows there; PostgreSQL takes each whole.
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from documents.models import PickList
from documents.selectors import pick_tasks
from documents.services import (
    LineInput,
    document_cancel,
    document_create,
    document_post,
    document_reserve,
    document_unreserve,
    pick_list_create,
)
from integrations.events import EVENT_TYPES
from integrations.models import OutboxEvent
from integrations.services import subscription_create
from inventory.models import ReorderPoint
from tests.factories import ProductFactory, WarehouseFactory
from tests.support.documents import make_document, post
from warehouses.services import location_create

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]


def queries(call) -> int:
    with CaptureQueriesContext(connection) as captured:
        call()
    return len(captured)


def posting(document):
    return lambda: document_post(document_id=document.pk)


@pytest.mark.parametrize("doc_type", ["receipt", "shipment", "adjustment", "count"])
def test_posting_100_lines_costs_the_queries_of_1(doc_type, warehouse):
    products = ProductFactory.create_batch(101)
    post("receipt", warehouse, [(p, 1000) for p in products])
    quantity = -1 if doc_type == "adjustment" else 7
    one = make_document(doc_type, warehouse, [(products[0], quantity)])
    hundred = make_document(doc_type, warehouse, [(p, quantity) for p in products[1:]])

    assert queries(posting(one)) == queries(posting(hundred))
    assert hundred.movements.count() == 100


def test_lines_split_over_several_quants_cost_the_same(warehouse):
    """Each line of the 100 draws on three shelves and two lots: 300 ledger rows."""
    products = ProductFactory.create_batch(101, tracking="lot")
    shelves = [location_create(warehouse_id=warehouse.pk, code=f"S{i}") for i in range(3)]
    for i, shelf in enumerate(shelves):
        receipt = document_create(
            doc_type="receipt",
            warehouse_id=warehouse.pk,
            lines=[LineInput(p.pk, 2, location_id=shelf.pk, lot=f"L{i % 2}") for p in products],
        )
        document_post(document_id=receipt.pk)
    one = make_document("shipment", warehouse, [(products[0], 5)])
    hundred = make_document("shipment", warehouse, [(p, 5) for p in products[1:]])

    assert queries(posting(one)) == queries(posting(hundred))
    assert hundred.movements.count() == 300


@pytest.mark.parametrize("internal", [False, True])
def test_transfers_and_cancels_cost_the_same_for_1_and_100_lines(internal, warehouse):
    destination = warehouse if internal else WarehouseFactory()
    target = location_create(warehouse_id=destination.pk, code="DEST")
    products = ProductFactory.create_batch(101, tracking="lot")
    receipt = document_create(
        doc_type="receipt",
        warehouse_id=warehouse.pk,
        lines=[LineInput(p.pk, 1000, lot="L1") for p in products],
    )
    document_post(document_id=receipt.pk)

    def transfer(lines):
        return document_create(
            doc_type="transfer",
            warehouse_id=warehouse.pk,
            destination_warehouse_id=destination.pk,
            lines=[LineInput(p.pk, 5, destination_location_id=target.pk) for p in lines],
        )

    one, hundred = transfer(products[:1]), transfer(products[1:])
    assert queries(posting(one)) == queries(posting(hundred))
    assert hundred.movements.count() == 200
    assert queries(lambda: document_cancel(document_id=one.pk)) == queries(
        lambda: document_cancel(document_id=hundred.pk)
    )


def test_reserve_unreserve_and_post_with_picked_quantities_cost_the_same(warehouse):
    products = ProductFactory.create_batch(101)
    post("receipt", warehouse, [(p, 1000) for p in products])

    def reserved(lines):
        document = make_document("shipment", warehouse, [(p, 5) for p in lines])
        return document, lambda: document_reserve(document_id=document.pk)

    (one, reserve_one), (hundred, reserve_hundred) = reserved(products[:1]), reserved(products[1:])
    assert queries(reserve_one) == queries(reserve_hundred)
    assert queries(lambda: document_unreserve(document_id=one.pk)) == queries(
        lambda: document_unreserve(document_id=hundred.pk)
    )
    reserve_one(), reserve_hundred()

    def picked(document):
        lines = document.lines.values_list("id", flat=True)
        return lambda: document_post(document_id=document.pk, shipped={pk: 3 for pk in lines})

    assert queries(picked(one)) == queries(picked(hundred))
    assert hundred.backorders.get().lines.count() == 100


def test_a_pick_list_costs_the_same_for_1_and_100_lines(warehouse):
    """Made and read (its tasks), for one document of 1 line and one of 100 lines, each line
    drawn from two shelves."""
    shelves = [location_create(warehouse_id=warehouse.pk, code=f"S{i}") for i in range(2)]
    products = ProductFactory.create_batch(101)
    for shelf in shelves:
        receipt = document_create(
            doc_type="receipt",
            warehouse_id=warehouse.pk,
            lines=[LineInput(p.pk, 3, location_id=shelf.pk) for p in products],
        )
        document_post(document_id=receipt.pk)
    one = make_document("shipment", warehouse, [(products[0], 5)])
    hundred = make_document("shipment", warehouse, [(p, 5) for p in products[1:]])
    for document in (one, hundred):
        document_reserve(document_id=document.pk)

    assert queries(lambda: pick_list_create(document_ids=[one.pk])) == queries(
        lambda: pick_list_create(document_ids=[hundred.pk])
    )
    small, large = PickList.objects.order_by("pk")
    tasks = {}
    assert queries(lambda: tasks.update(small=pick_tasks(pick_list_id=small.pk))) == queries(
        lambda: tasks.update(large=pick_tasks(pick_list_id=large.pk))
    )
    assert (len(tasks["small"]), len(tasks["large"])) == (2, 200)


@pytest.mark.parametrize("crossing", [False, True])
def test_reorder_point_events_cost_the_same_for_1_and_100_lines(crossing, warehouse, settings):
    """With a subscriber to every event and a reorder point on every product: a posting that
    takes 100 products below their minimum costs what one taking 1 below does, and so does
    its cancellation (which records document.cancelled)."""
    settings.WEBHOOK_ALLOW_PRIVATE_URLS = True
    subscription_create(url="http://127.0.0.1:9/hooks", events=list(EVENT_TYPES))
    products = ProductFactory.create_batch(101)
    post("receipt", warehouse, [(p, 100) for p in products])
    ReorderPoint.objects.bulk_create(
        ReorderPoint(warehouse=warehouse, product=p, min_quantity=96, target_quantity=200)
        for p in products
    )
    quantity = 5 if crossing else 1
    one = make_document("shipment", warehouse, [(products[0], quantity)])
    hundred = make_document("shipment", warehouse, [(p, quantity) for p in products[1:]])

    assert queries(posting(one)) == queries(posting(hundred))
    below = OutboxEvent.objects.filter(type="stock.below_reorder_point").count()
    assert below == (101 if crossing else 0)
    assert queries(lambda: document_cancel(document_id=one.pk)) == queries(
        lambda: document_cancel(document_id=hundred.pk)
    )


def test_lines_in_packs_and_units_cost_what_plain_lines_cost(warehouse):
    """Creating and posting 100 lines entered in cases or in kilograms costs the queries of 1."""
    from inventory.models import Packaging

    cased = ProductFactory.create_batch(51)
    weighed = ProductFactory.create_batch(50, unit="kg", decimals=3)
    Packaging.objects.bulk_create(Packaging(product=p, code="case", quantity=12) for p in cased)

    def lines(products):
        return [
            LineInput(p.pk, packaging="case", packaging_quantity=2)
            if p.decimals == 0
            else LineInput(p.pk, unit_quantity="1.25")
            for p in products
        ]

    def create(products):
        return document_create(doc_type="receipt", warehouse_id=warehouse.pk, lines=lines(products))

    created = {}
    one_create = queries(lambda: created.setdefault(1, create(cased[:1])))
    hundred_create = queries(lambda: created.setdefault(100, create(cased[1:] + weighed)))
    assert one_create == hundred_create
    assert queries(posting(created[1])) == queries(posting(created[100]))
    assert sorted(set(created[100].movements.values_list("quantity", flat=True))) == [24, 1250]
