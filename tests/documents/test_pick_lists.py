"""Pick lists: one walk for a wave of reserved documents."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from documents.services import LineInput, document_create, document_post, document_reserve
from tests.factories import ProductFactory
from tests.support.documents import make_document, post
from warehouses.services import location_create

pytestmark = pytest.mark.django_db


def test_tasks_are_summed_per_place_and_lot_in_walking_order(clerk_api, warehouse):
    far = location_create(warehouse_id=warehouse.pk, code="Z", pick_order=9)
    near = location_create(warehouse_id=warehouse.pk, code="B", pick_order=1)
    milk, box = ProductFactory(sku="MILK", tracking="lot"), ProductFactory(sku="BOX")
    receipt = document_create(
        doc_type="receipt",
        warehouse_id=warehouse.pk,
        lines=[
            LineInput(milk.pk, 10, location_id=far.pk, lot="L1"),
            LineInput(box.pk, 10, location_id=near.pk),
        ],
    )
    document_post(document_id=receipt.pk)
    wave = [make_document("shipment", warehouse, [(milk, 2), (box, 3)]) for _ in range(2)]
    for document in wave:
        document_reserve(document_id=document.pk)

    response = clerk_api.post(
        "/api/v1/pick-lists/", {"documents": [d.pk for d in wave]}, format="json"
    )

    assert response.status_code == 201, response.json()
    body = response.json()
    assert sorted(body["documents"]) == sorted(d.pk for d in wave)
    assert [(t["location_path"], t["sku"], t["lot"], t["quantity"]) for t in body["tasks"]] == [
        (f"{warehouse.code}/B", "BOX", None, 6),
        (f"{warehouse.code}/Z", "MILK", "L1", 4),
    ]
    assert clerk_api.get(f"/api/v1/pick-lists/{body['id']}/").json() == body


def test_a_document_that_is_not_reserved_is_refused(clerk_api, warehouse, product):
    post("receipt", warehouse, [(product, 5)])
    draft = make_document("shipment", warehouse, [(product, 1)])
    response = clerk_api.post("/api/v1/pick-lists/", {"documents": [draft.pk]}, format="json")
    assert response.status_code == 409 and response.json()["code"] == "invalid_state"
    response = clerk_api.post("/api/v1/pick-lists/", {"documents": [10**9]}, format="json")
    assert response.status_code == 400


def test_making_a_pick_list_costs_the_same_for_1_and_50_documents(clerk_api, warehouse):
    products = ProductFactory.create_batch(50)
    post("receipt", warehouse, [(p, 100) for p in products])
    documents = [make_document("shipment", warehouse, [(p, 1)]) for p in products]
    for document in documents:
        document_reserve(document_id=document.pk)

    def cost(ids):
        with CaptureQueriesContext(connection) as captured:
            response = clerk_api.post("/api/v1/pick-lists/", {"documents": ids}, format="json")
        assert response.status_code == 201
        return len(captured)

    assert cost([documents[0].pk]) == cost([d.pk for d in documents[1:]])
