"""One answer to "what can be done to this document now", shared by the admin's buttons and the
services' refusals: what it offers is exactly what the services accept."""

import pytest

from documents.exceptions import DocumentStateError
from documents.services import (
    document_actions,
    document_cancel,
    document_post,
    document_reserve,
    document_unreserve,
)
from tests.support.documents import make_document, post

pytestmark = pytest.mark.django_db


def test_each_state_offers_its_actions_to_a_manager_and_fewer_to_a_clerk(
    warehouse, product, manager, clerk
):
    post("receipt", warehouse, [(product, 10)])
    shipment = make_document("shipment", warehouse, [(product, 2)])
    assert document_actions(shipment, manager) == {"post", "reserve", "cancel", "edit"}
    assert document_actions(shipment, clerk) == {"post", "reserve", "edit"}
    document_reserve(document_id=shipment.pk)
    shipment.refresh_from_db()
    assert document_actions(shipment, manager) == {"post", "unreserve", "cancel"}
    document_post(document_id=shipment.pk)
    shipment.refresh_from_db()
    assert document_actions(shipment, manager) == {"cancel", "return"}
    # A clerk drafts a return at the dock; a manager posts it.
    assert document_actions(shipment, clerk) == {"return"}
    document_cancel(document_id=shipment.pk)
    shipment.refresh_from_db()
    assert document_actions(shipment, manager) == set()
    receipt = make_document("receipt", warehouse, [(product, 1)])
    assert "reserve" not in document_actions(receipt, manager)  # receipts are not reserved


def test_what_is_not_offered_the_services_refuse_with_invalid_state(warehouse, product, manager):
    post("receipt", warehouse, [(product, 10)])
    shipment = make_document("shipment", warehouse, [(product, 2)])
    document_post(document_id=shipment.pk)
    shipment.refresh_from_db()
    offered = document_actions(shipment, manager)
    for action, call in [
        ("post", document_post),
        ("reserve", document_reserve),
        ("unreserve", document_unreserve),
    ]:
        assert action not in offered
        with pytest.raises(DocumentStateError):
            call(document_id=shipment.pk, user=manager)
