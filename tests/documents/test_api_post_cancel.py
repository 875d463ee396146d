"""Posting and cancelling over HTTP: the updated document, 409s with why, 403s per role."""

import pytest

from documents.models import Document, Status
from inventory.models import StockMovement
from tests.factories import ProductFactory
from tests.support.documents import make_document, post
from tests.support.stock import stock
from tests.support.users import api_client, user_with

pytestmark = pytest.mark.django_db


def url(document, verb):
    return f"/api/v1/documents/{document.pk}/{verb}/"


def test_post_moves_stock_and_answers_the_posted_document(clerk_api, clerk, warehouse, product):
    document = make_document("receipt", warehouse, [(product, 10)])
    response = clerk_api.post(url(document, "post"))
    assert response.status_code == 200, response.data
    body = response.json()
    assert body["status"] == "posted"
    assert body["posted_by"] == clerk.pk
    assert body["posted_at"] is not None
    assert stock(warehouse, product) == 10


def test_shortage_is_a_409_listing_every_short_line(clerk_api, warehouse):
    products = ProductFactory.create_batch(3)
    post("receipt", warehouse, [(p, 10) for p in products])
    document = make_document("shipment", warehouse, [(products[0], 11), (products[1], 5)])

    response = clerk_api.post(url(document, "post"))

    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "insufficient_stock"
    assert body["shortages"] == [
        {
            "product": products[0].pk,
            "warehouse": warehouse.pk,
            "requested": 11,
            "available": 10,
            "location": None,
            "lot": None,
            "held_by": [],
        }
    ]
    assert products[0].sku in body["detail"]
    assert set(body) == {"detail", "code", "shortages"}
    assert Document.objects.get(pk=document.pk).status == Status.DRAFT
    assert stock(warehouse, products[1]) == 10


def test_posting_twice_is_a_409(clerk_api, warehouse, product):
    document = post("receipt", warehouse, [(product, 1)])
    response = clerk_api.post(url(document, "post"))
    assert response.status_code == 409
    assert response.json() == {
        "detail": f"{document.number} is already posted; only drafts and reserved documents "
        "can be posted.",
        "code": "invalid_state",
        "status": "posted",
    }
    assert stock(warehouse, product) == 1


def test_post_of_an_unknown_document_is_a_404(clerk_api):
    assert clerk_api.post("/api/v1/documents/987654/post/").status_code == 404


def test_get_on_post_is_a_405(clerk_api, warehouse, product):
    document = make_document("receipt", warehouse, [(product, 1)])
    response = clerk_api.get(url(document, "post"))
    assert response.status_code == 405
    assert response.json()["code"] == "method_not_allowed"


@pytest.mark.parametrize("doc_type", ["adjustment", "count"])
def test_a_clerk_may_not_post_stock_corrections(clerk_api, warehouse, product, doc_type):
    document = make_document(doc_type, warehouse, [(product, 5)])
    response = clerk_api.post(url(document, "post"))
    assert response.status_code == 403
    assert response.json() == {
        "detail": f"You do not have permission to post {doc_type}s.",
        "code": "permission_denied",
    }
    assert Document.objects.get(pk=document.pk).status == Status.DRAFT


@pytest.mark.parametrize("doc_type", ["adjustment", "count"])
def test_a_manager_posts_stock_corrections(manager_api, warehouse, product, doc_type):
    document = make_document(doc_type, warehouse, [(product, 5)])
    assert manager_api.post(url(document, "post")).status_code == 200
    assert stock(warehouse, product) == 5


def test_a_clerk_may_not_cancel(clerk_api, warehouse, product):
    document = post("receipt", warehouse, [(product, 5)])
    response = clerk_api.post(url(document, "cancel"))
    assert response.status_code == 403
    assert response.json()["detail"] == "You do not have permission to cancel documents."
    assert stock(warehouse, product) == 5


def test_a_manager_cancels_a_posted_document(manager_api, manager, warehouse, product):
    document = post("receipt", warehouse, [(product, 5)])
    response = manager_api.post(url(document, "cancel"))
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "cancelled"
    assert body["cancelled_by"] == manager.pk
    assert stock(warehouse, product) == 0
    assert StockMovement.objects.filter(document=document, is_reversal=True).count() == 1


def test_cancelling_a_draft_moves_nothing(manager_api, warehouse, product):
    document = make_document("receipt", warehouse, [(product, 5)])
    assert manager_api.post(url(document, "cancel")).json()["status"] == "cancelled"
    assert not StockMovement.objects.exists()


def test_cancelling_twice_is_a_409(manager_api, warehouse, product):
    document = make_document("receipt", warehouse, [(product, 5)])
    manager_api.post(url(document, "cancel"))
    response = manager_api.post(url(document, "cancel"))
    assert response.status_code == 409
    assert response.json()["code"] == "invalid_state"


def test_cancelling_a_receipt_whose_goods_left_is_a_shortage(manager_api, warehouse, product):
    receipt = post("receipt", warehouse, [(product, 5)])
    post("shipment", warehouse, [(product, 3)])
    response = manager_api.post(url(receipt, "cancel"))
    assert response.status_code == 409
    assert response.json()["shortages"] == [
        {
            "product": product.pk,
            "warehouse": warehouse.pk,
            "requested": 5,
            "available": 2,
            "location": warehouse.default_location.pk,
            "lot": None,
            "held_by": [],
        }
    ]
    assert Document.objects.get(pk=receipt.pk).status == Status.POSTED


def test_posting_needs_at_least_the_view_permission(warehouse, product):
    document = make_document("receipt", warehouse, [(product, 5)])
    client = api_client(user_with(perms=["documents.post_document"]))
    response = client.post(url(document, "post"))
    assert response.status_code == 403
    assert response.json() == {
        "detail": "You need the permission documents.view_document to do this.",
        "code": "permission_denied",
    }
