"""stock.below_reorder_point: recorded by the posting (or cancellation) that takes a
warehouse's available stock of a product from its minimum or more to below it, and only then."""

import json

import pytest
from django.db import transaction

from documents.services import (
    document_cancel,
    document_post,
    document_reserve,
    document_unreserve,
)
from integrations.models import OutboxEvent
from inventory.models import ReorderPoint
from tests.concurrency import run_concurrently
from tests.factories import ProductFactory, WarehouseFactory
from tests.integrations.conftest import subscribe
from tests.integrations.receiver import Receiver
from tests.integrations.test_webhook_delivery import run_worker, verify
from tests.support.documents import make_document, post
from tests.support.users import api_client, user_with

pytestmark = pytest.mark.django_db

EVENT = "stock.below_reorder_point"


def reorder_point(warehouse, product, minimum=10, target=50) -> ReorderPoint:
    return ReorderPoint.objects.create(
        warehouse=warehouse, product=product, min_quantity=minimum, target_quantity=target
    )


def crossings() -> list[tuple[int, int, int, str]]:
    """(warehouse, product, available, document number) of every event, in order."""
    bodies = [json.loads(e.body)["data"] for e in OutboxEvent.objects.filter(type=EVENT)]
    return [(d["warehouse"], d["product"], d["available"], d["document"]["number"]) for d in bodies]


@pytest.fixture
def listening(db):
    return subscribe(events=[EVENT])


def test_the_posting_that_crosses_reaches_the_receiver_with_the_reorder_point_as_shown(
    warehouse, product
):
    point = reorder_point(warehouse, product, minimum=10, target=50)
    post("receipt", warehouse, [(product, 12)])
    with Receiver() as receiver:
        subscription = subscribe(receiver.url, events=[EVENT])
        shipment = post("shipment", warehouse, [(product, 3)])
        run_worker()

    [received] = receiver.received
    assert verify(subscription.secret, received)
    body = json.loads(received.body)
    assert body["type"] == EVENT
    reader = api_client(user_with(perms=["inventory.view_reorderpoint"]))
    shown = reader.get(f"/api/v1/reorder-points/{point.pk}/").json()
    assert body["data"] == {**shown, "document": {"id": shipment.pk, "number": shipment.number}}
    assert (shown["available"], shown["to_order"]) == (9, 41)


def test_only_the_edge_is_announced_not_every_posting_while_short(listening, warehouse, product):
    reorder_point(warehouse, product, minimum=10)
    post("receipt", warehouse, [(product, 12)])
    post("shipment", warehouse, [(product, 2)])  # 10: at the minimum is not short
    assert crossings() == []
    first = post("shipment", warehouse, [(product, 1)])  # 9: crosses
    post("shipment", warehouse, [(product, 4)])  # 5: still short, nothing new
    post("receipt", warehouse, [(product, 3)])  # 8: still short
    assert crossings() == [(warehouse.pk, product.pk, 9, first.number)]
    post("receipt", warehouse, [(product, 2)])  # 10: back at the minimum
    again = post("shipment", warehouse, [(product, 7)])  # 3: crosses again
    assert crossings()[1:] == [(warehouse.pk, product.pk, 3, again.number)]


def test_a_cancellation_that_takes_stock_below_is_announced_one_that_restores_it_is_not(
    listening, warehouse, product
):
    reorder_point(warehouse, product, minimum=10)
    post("receipt", warehouse, [(product, 5)])
    receipt = post("receipt", warehouse, [(product, 6)])  # 11
    shipment = post("shipment", warehouse, [(product, 2)])  # 9: crosses
    document_cancel(document_id=shipment.pk)  # 11: up, nothing
    document_cancel(document_id=receipt.pk)  # 5: crosses
    assert [number for *_, number in crossings()] == [shipment.number, receipt.number]


def test_only_products_and_warehouses_with_a_reorder_point_that_cross(listening, warehouse):
    other = WarehouseFactory()
    low, high, unwatched = ProductFactory.create_batch(3)
    reorder_point(warehouse, low, minimum=10)
    reorder_point(warehouse, high, minimum=2)
    reorder_point(other, low, minimum=100, target=300)
    post("receipt", warehouse, [(low, 10), (high, 10), (unwatched, 10)])
    post("receipt", other, [(low, 200)])
    transfer = post("transfer", warehouse, [(low, 1), (high, 1), (unwatched, 9)], other)
    assert crossings() == [(warehouse.pk, low.pk, 9, transfer.number)]


def test_a_rolled_back_posting_announces_nothing(listening, warehouse, product):
    reorder_point(warehouse, product, minimum=10)
    post("receipt", warehouse, [(product, 10)])
    shipment = make_document("shipment", warehouse, [(product, 1)])
    with pytest.raises(ZeroDivisionError), transaction.atomic():
        document_post(document_id=shipment.pk)
        assert len(crossings()) == 1
        raise ZeroDivisionError
    assert crossings() == []


def test_without_a_subscriber_to_it_nothing_is_recorded(warehouse, product):
    subscribe(events=["document.posted"])
    reorder_point(warehouse, product, minimum=10)
    post("receipt", warehouse, [(product, 10)])
    post("shipment", warehouse, [(product, 1)])
    assert crossings() == []
    assert OutboxEvent.objects.filter(type="document.posted").count() == 2


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_shipments_announce_the_crossing_once(warehouse, product):
    """Four shipments of 1 at once from 10, minimum 8: 9, 8, 7, 6 in whatever order they get the
    stock row; exactly the one that leaves 7 crosses."""
    subscribe(events=[EVENT])
    reorder_point(warehouse, product, minimum=8)
    post("receipt", warehouse, [(product, 10)])
    shipments = [make_document("shipment", warehouse, [(product, 1)]) for _ in range(4)]
    results = run_concurrently([lambda s=s: document_post(document_id=s.pk) for s in shipments])
    assert not [r for r in results if isinstance(r, Exception)]
    [(_, _, available, number)] = crossings()
    assert available == 7 and number in {s.number for s in shipments}


def test_reserving_is_what_takes_available_stock_below_the_minimum(listening, warehouse, product):
    reorder_point(warehouse, product, minimum=10)
    post("receipt", warehouse, [(product, 12)])
    order = make_document("shipment", warehouse, [(product, 5)])
    document_reserve(document_id=order.pk)  # available 12 -> 7: crosses
    assert crossings() == [(warehouse.pk, product.pk, 7, order.number)]
    document_post(document_id=order.pk)  # available stays 7: nothing new
    assert len(crossings()) == 1


def test_unreserving_and_reserving_again_announce_the_edge_again(listening, warehouse, product):
    reorder_point(warehouse, product, minimum=10)
    post("receipt", warehouse, [(product, 12)])
    order = make_document("shipment", warehouse, [(product, 5)])
    document_reserve(document_id=order.pk)
    document_unreserve(document_id=order.pk)  # back to 12: gives stock back, announces nothing
    assert len(crossings()) == 1
    document_reserve(document_id=order.pk)
    assert [c[2] for c in crossings()] == [7, 7]
