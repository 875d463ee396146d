"""Returns over HTTP: origin in and out, the origin filter, what is returnable, 409s and 403s."""

import pytest

from documents.models import Document, Status
from documents.services import LineInput, document_create, document_post
from tests.factories import ProductFactory
from tests.support.stock import total

pytestmark = pytest.mark.django_db

DOCUMENTS = "/api/v1/documents/"


@pytest.fixture
def milk(db):
    return ProductFactory(tracking="lot")


@pytest.fixture
def shipment(warehouse, milk):
    receipt = document_create(
        doc_type="receipt",
        warehouse_id=warehouse.pk,
        lines=[LineInput(milk.pk, 10, lot="A"), LineInput(milk.pk, 10, lot="B")],
    )
    document_post(document_id=receipt.pk)
    shipped = document_create(
        doc_type="shipment",
        warehouse_id=warehouse.pk,
        lines=[LineInput(milk.pk, 4, lot="A"), LineInput(milk.pk, 6, lot="B")],
    )
    return document_post(document_id=shipped.pk)


def return_body(shipment, lines, **extra):
    return {
        "doc_type": "return",
        "warehouse": shipment.warehouse_id,
        "origin": shipment.pk,
        "lines": lines,
        **extra,
    }


def drafted(api, shipment, product, quantity, lot) -> dict:
    """A draft return of one line, created over the API: its body as answered."""
    body = return_body(shipment, [{"product": product.pk, "quantity": quantity, "lot": lot}])
    response = api.post(DOCUMENTS, body, format="json")
    assert response.status_code == 201, response.json()
    return response.json()


def test_a_clerk_drafts_a_return_and_a_manager_posts_it(
    clerk_api, manager_api, shipment, milk, warehouse
):
    created = clerk_api.post(
        DOCUMENTS,
        return_body(shipment, [{"product": milk.pk, "quantity": 2, "lot": "A"}]),
        format="json",
    )
    assert created.status_code == 201, created.json()
    body = created.json()
    assert (body["doc_type"], body["origin"], body["number"][:4]) == ("return", shipment.pk, "RET-")

    refused = clerk_api.post(f"{DOCUMENTS}{body['id']}/post/")
    assert refused.status_code == 403
    assert refused.json()["code"] == "permission_denied"

    posted = manager_api.post(f"{DOCUMENTS}{body['id']}/post/")
    assert posted.status_code == 200, posted.json()
    assert posted.json()["status"] == "posted"
    assert total(milk) == 12


def test_over_the_bound_is_a_409_naming_product_lot_asked_and_returnable(
    manager_api, shipment, milk
):
    created = drafted(manager_api, shipment, milk, 5, "A")

    response = manager_api.post(f"{DOCUMENTS}{created['id']}/post/")

    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "return_exceeds_shipped"
    assert body["exceeded"] == [
        {"product": milk.pk, "sku": milk.sku, "lot": "A", "asked": 5, "returnable": 4}
    ]
    assert "asked 5, returnable 4" in body["detail"]
    assert Document.objects.get(pk=created["id"]).status == Status.DRAFT


def test_bad_origins_are_400s(manager_api, shipment, milk, warehouse, other_warehouse):
    line = [{"product": milk.pk, "quantity": 1, "lot": "A"}]
    cases = [
        (return_body(shipment, line, origin=None), "A return names the posted shipment"),
        (return_body(shipment, line, origin="7"), "A JSON integer is required"),
        (return_body(shipment, line, warehouse=other_warehouse.pk), "return to where they left"),
        ({**return_body(shipment, line), "doc_type": "receipt"}, "Only returns name an origin"),
    ]
    for body, message in cases:
        response = manager_api.post(DOCUMENTS, body, format="json")
        assert response.status_code == 400, body
        assert response.json()["code"] == "invalid"
        assert message in str(response.json()["errors"]), response.json()
    assert not Document.objects.filter(doc_type="return").exists()


def test_a_drafts_origin_is_read_only(manager_api, shipment, milk):
    created = drafted(manager_api, shipment, milk, 1, "A")
    response = manager_api.patch(
        f"{DOCUMENTS}{created['id']}/", {"origin": shipment.pk}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["errors"] == {"origin": ["This field is read-only."]}


def test_returnable_and_the_origin_filter(manager_api, shipment, milk):
    created = drafted(manager_api, shipment, milk, 1, "B")
    manager_api.post(f"{DOCUMENTS}{created['id']}/post/")

    returnable = manager_api.get(f"{DOCUMENTS}{shipment.pk}/returnable/")
    assert returnable.status_code == 200
    assert returnable.json() == {
        "shipment": shipment.pk,
        "lines": [
            {
                "product": milk.pk,
                "sku": milk.sku,
                "lot": "A",
                "shipped": 4,
                "returned": 0,
                "returnable": 4,
            },
            {
                "product": milk.pk,
                "sku": milk.sku,
                "lot": "B",
                "shipped": 6,
                "returned": 1,
                "returnable": 5,
            },
        ],
    }
    listed = manager_api.get(DOCUMENTS, {"origin": shipment.pk}).json()["results"]
    assert [d["id"] for d in listed] == [created["id"]]
    assert manager_api.get(DOCUMENTS, {"origin": "x"}).status_code == 400


def test_returnable_of_anything_but_a_posted_shipment_is_a_409(manager_api, warehouse, milk):
    receipt = document_create(
        doc_type="receipt", warehouse_id=warehouse.pk, lines=[LineInput(milk.pk, 1, lot="A")]
    )
    response = manager_api.get(f"{DOCUMENTS}{receipt.pk}/returnable/")
    assert response.status_code == 409
    assert response.json()["code"] == "invalid_state"
    assert manager_api.get(f"{DOCUMENTS}{10**9}/returnable/").status_code == 404


def test_cancelling_a_shipment_with_posted_returns_is_a_409(manager_api, shipment, milk):
    created = drafted(manager_api, shipment, milk, 1, "A")
    manager_api.post(f"{DOCUMENTS}{created['id']}/post/")

    response = manager_api.post(f"{DOCUMENTS}{shipment.pk}/cancel/", {"reason": "wrong order"})

    assert response.status_code == 409
    assert response.json() == {
        "detail": f"{shipment.number} has posted returns ({created['number']}); cancel them first.",
        "code": "shipment_has_returns",
        "returns": [created["number"]],
    }
    assert manager_api.post(f"{DOCUMENTS}{created['id']}/cancel/").status_code == 200
    assert manager_api.post(f"{DOCUMENTS}{shipment.pk}/cancel/").status_code == 200
