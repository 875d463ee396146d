"""A return's posting and cancelling are webhook events like any document's, naming its origin."""

import json

import pytest

from documents.services import LineInput, document_cancel, document_post
from integrations.models import OutboxEvent
from tests.integrations.conftest import subscribe
from tests.support.documents import draft_return, post

pytestmark = pytest.mark.django_db


def test_a_return_is_posted_and_cancelled_with_its_origin(warehouse, product):
    post("receipt", warehouse, [(product, 5)])
    shipment = post("shipment", warehouse, [(product, 5)])
    subscribe()
    returned = draft_return(shipment, [LineInput(product.pk, 2)])
    document_post(document_id=returned.pk)
    document_cancel(document_id=returned.pk)

    sent = [(e.type, json.loads(e.body)["data"]) for e in OutboxEvent.objects.order_by("id")]
    assert [(kind, data["doc_type"], data["status"], data["origin"]) for kind, data in sent] == [
        ("document.posted", "return", "posted", shipment.pk),
        ("document.cancelled", "return", "cancelled", shipment.pk),
    ]
