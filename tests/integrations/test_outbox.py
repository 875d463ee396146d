"""Events are written in the transaction that causes them: committed if and only if recorded."""

import json

import pytest
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext

from documents.services import document_cancel, document_post, document_reserve, document_unreserve
from integrations.models import Delivery, DeliveryStatus, OutboxEvent
from integrations.services import subscription_update
from inventory.exceptions import InsufficientStock
from tests.factories import ProductFactory
from tests.integrations.conftest import subscribe
from tests.support.documents import make_document, post
from tests.support.users import api_client, user_with

pytestmark = pytest.mark.django_db


class RolledBack(Exception):
    pass


def events() -> list[tuple[str, dict]]:
    return [(e.type, json.loads(e.body)) for e in OutboxEvent.objects.order_by("id")]


def test_a_posting_records_its_event_with_the_document_as_the_api_shows_it(warehouse, product):
    subscription = subscribe()
    document = post("receipt", warehouse, [(product, 5)])

    [(kind, body)] = events()
    assert kind == "document.posted"
    assert set(body) == {"type", "timestamp", "data"}
    assert body["type"] == "document.posted"
    reader = api_client(user_with(perms=["documents.view_document"]))
    assert body["data"] == reader.get(f"/api/v1/documents/{document.pk}/").json()
    assert body["data"]["status"] == "posted"
    [delivery] = Delivery.objects.all()
    assert (delivery.subscription, delivery.status) == (subscription, DeliveryStatus.PENDING)


def test_a_cancellation_records_its_event(warehouse, product):
    subscribe()
    document = post("receipt", warehouse, [(product, 5)])
    document_cancel(document_id=document.pk)
    assert [(kind, body["data"]["status"]) for kind, body in events()] == [
        ("document.posted", "posted"),
        ("document.cancelled", "cancelled"),
    ]


def test_a_rolled_back_posting_emits_nothing(warehouse, product):
    subscribe()
    document = make_document("receipt", warehouse, [(product, 5)])
    with pytest.raises(RolledBack), transaction.atomic():
        document_post(document_id=document.pk)
        assert len(events()) == 1  # written inside the transaction ...
        raise RolledBack
    assert events() == []  # ... and gone with it
    assert Delivery.objects.count() == 0


def test_a_refused_posting_emits_nothing(warehouse, product):
    subscribe()
    document = make_document("shipment", warehouse, [(product, 5)])
    with pytest.raises(InsufficientStock):
        document_post(document_id=document.pk)
    assert events() == []


def test_only_active_subscriptions_to_the_type_get_a_delivery(warehouse, product):
    posted_only = subscribe(events=["document.posted"])
    cancelled_only = subscribe(events=["document.cancelled"])
    paused = subscribe()
    subscription_update(subscription_id=paused.pk, is_active=False)
    post("receipt", warehouse, [(product, 5)])
    assert list(Delivery.objects.values_list("subscription", flat=True)) == [posted_only.pk]
    assert cancelled_only.deliveries.count() == 0


def test_without_subscribers_nothing_is_written(warehouse, product):
    post("receipt", warehouse, [(product, 5)])
    assert events() == []


@pytest.mark.postgres  # SQLite caps a statement's parameters: 100 ledger rows take two inserts
def test_a_subscribed_posting_still_costs_the_same_for_1_and_100_lines(warehouse):
    subscribe()
    products = ProductFactory.create_batch(101)
    post("receipt", warehouse, [(p, 1000) for p in products])
    one = make_document("shipment", warehouse, [(products[0], 1)])
    hundred = make_document("shipment", warehouse, [(p, 1) for p in products[1:]])

    def queries(document) -> int:
        with CaptureQueriesContext(connection) as captured:
            document_post(document_id=document.pk)
        return len(captured)

    assert queries(one) == queries(hundred)
    assert len(json.loads(OutboxEvent.objects.last().body)["data"]["lines"]) == 100


@pytest.mark.parametrize(
    "assignments, constraint",
    [
        ("status = 'sent', next_attempt_at = NULL", "check_webhook_deliveries_status"),
        ("next_attempt_at = NULL", "check_webhook_deliveries_pending_next_attempt"),
        (
            "status = 'delivered', next_attempt_at = NULL",
            "check_webhook_deliveries_delivered_at",
        ),
    ],
)
def test_the_database_refuses_an_inconsistent_delivery(warehouse, product, assignments, constraint):
    subscribe()
    post("receipt", warehouse, [(product, 5)])
    with pytest.raises(IntegrityError, match=constraint), connection.cursor() as cursor:
        cursor.execute(f"UPDATE webhook_deliveries SET {assignments}")


def test_reserving_and_unreserving_record_their_events(warehouse, product):
    subscribe(events=("document.reserved", "document.unreserved"))
    post("receipt", warehouse, [(product, 5)])
    order = make_document("shipment", warehouse, [(product, 3)])
    document_reserve(document_id=order.pk)
    document_unreserve(document_id=order.pk)
    assert [(kind, body["data"]["status"]) for kind, body in events()] == [
        ("document.reserved", "reserved"),
        ("document.unreserved", "draft"),
    ]


def test_a_refused_reservation_emits_nothing(warehouse, product):
    subscribe(events=("document.reserved",))
    order = make_document("shipment", warehouse, [(product, 3)])
    with pytest.raises(InsufficientStock):
        document_reserve(document_id=order.pk)
    assert events() == []
