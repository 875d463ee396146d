"""Posting refuses a warehouse, product or location deactivated since the draft was made (409
`inactive`, naming them), and a location's deactivation cannot race a posting into it."""

import threading

import pytest

import documents.services.posting
from documents.exceptions import InactiveInPosting
from documents.models import Status
from documents.services import LineInput, document_create, document_post
from inventory.models import Quant
from tests.concurrency import run_concurrently
from tests.support.documents import make_document, post
from warehouses.models import Location, Warehouse
from warehouses.services import location_create, location_update
from wms.exceptions import InUse

pytestmark = pytest.mark.django_db


def draft_receipt_to(shelf, product):
    return document_create(
        doc_type="receipt",
        warehouse_id=shelf.warehouse_id,
        lines=[LineInput(product.pk, 5, location_id=shelf.pk)],
    )


def test_a_draft_to_a_shelf_deactivated_since_is_refused(manager_api, warehouse, product):
    shelf = location_create(warehouse_id=warehouse.pk, code="S1")
    receipt = draft_receipt_to(shelf, product)
    location_update(location_id=shelf.pk, is_active=False)
    answer = manager_api.post(f"/api/v1/documents/{receipt.pk}/post/")
    assert answer.status_code == 409
    body = answer.json()
    assert body["code"] == "inactive"
    assert body["inactive"] == [{"kind": "location", "id": shelf.pk, "name": "S1"}]
    assert "location S1 is inactive" in body["detail"]
    receipt.refresh_from_db()
    assert receipt.status == Status.DRAFT
    assert not Quant.objects.filter(location=shelf).exists()


def test_a_transfer_to_a_shelf_deactivated_since_is_refused(warehouse, other_warehouse, product):
    post("receipt", warehouse, [(product, 5)])
    shelf = location_create(warehouse_id=other_warehouse.pk, code="IN")
    transfer = document_create(
        doc_type="transfer",
        warehouse_id=warehouse.pk,
        destination_warehouse_id=other_warehouse.pk,
        lines=[LineInput(product.pk, 2, destination_location_id=shelf.pk)],
    )
    location_update(location_id=shelf.pk, is_active=False)
    with pytest.raises(InactiveInPosting, match="location IN is inactive"):
        document_post(document_id=transfer.pk)


def test_a_product_or_warehouse_deactivated_since_is_refused(manager_api, warehouse, product):
    receipt = make_document("receipt", warehouse, [(product, 5)])
    manager_api.patch(f"/api/v1/products/{product.pk}/", {"is_active": False}, format="json")
    Warehouse.objects.filter(pk=warehouse.pk).update(is_active=False)
    answer = manager_api.post(f"/api/v1/documents/{receipt.pk}/post/")
    assert answer.status_code == 409
    kinds = [row["kind"] for row in answer.json()["inactive"]]
    assert kinds == ["warehouse", "product"]
    assert not Quant.objects.filter(product=product).exists()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_deactivating_a_shelf_cannot_race_a_posting_into_it(monkeypatch, warehouse, product):
    """The posting is held after its check, before its stock moves; the deactivation runs in
    that gap on another connection. It must wait for the posting and then see its stock (or the
    posting must see the deactivation): never an inactive shelf holding stock."""
    shelf = location_create(warehouse_id=warehouse.pk, code="RACE")
    receipt = draft_receipt_to(shelf, product)
    checked, go = threading.Event(), threading.Event()
    real_apply = documents.services.posting.stock_apply

    def held_apply(**kwargs):
        checked.set()
        go.wait(10)
        return real_apply(**kwargs)

    monkeypatch.setattr(documents.services.posting, "stock_apply", held_apply)

    def deactivate():
        assert checked.wait(10)
        timer = threading.Timer(1.0, go.set)  # the posting goes on after a second either way
        timer.start()
        try:
            return location_update(location_id=shelf.pk, is_active=False)
        finally:
            go.set()
            timer.cancel()

    posted, deactivated = run_concurrently(
        [lambda: document_post(document_id=receipt.pk), deactivate]
    )
    shelf = Location.objects.get(pk=shelf.pk)
    holds = Quant.objects.filter(location=shelf, quantity__gt=0).exists()
    assert not (holds and not shelf.is_active), (posted, deactivated)
    # With the lock, the deactivation waited for the posting, then saw its stock.
    assert getattr(posted, "status", None) == Status.POSTED, posted
    assert isinstance(deactivated, InUse), deactivated
