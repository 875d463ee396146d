"""Returns racing for the last returnable units, each on its own connection (PostgreSQL)."""

import pytest

from documents.exceptions import ReturnExceedsShipped, ShipmentHasReturns
from documents.models import Document, Status
from documents.services import LineInput, document_cancel, document_post
from inventory.selectors import stock_mismatches
from tests.concurrency import run_concurrently
from tests.factories import ProductFactory, WarehouseFactory
from tests.support.documents import draft_return, post_lines
from tests.support.stock import held

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_two_returns_of_the_last_returnable_units_one_is_refused():
    warehouse, milk = WarehouseFactory(), ProductFactory(tracking="lot")
    post_lines("receipt", warehouse, [LineInput(milk.pk, 10, lot="A")])
    shipment = post_lines("shipment", warehouse, [LineInput(milk.pk, 5, lot="A")])
    post_lines("return", warehouse, [LineInput(milk.pk, 3, lot="A")], origin=shipment)
    racing = [draft_return(shipment, [LineInput(milk.pk, 2, lot="A")]) for _ in range(2)]

    results = run_concurrently([lambda d=d: document_post(document_id=d.pk) for d in racing])

    assert sorted(type(r).__name__ for r in results) == ["Document", "ReturnExceedsShipped"]
    refused = next(r for r in results if isinstance(r, ReturnExceedsShipped))
    assert refused.exceeded[0]["returnable"] == 0
    assert held(milk) == {(warehouse.code, "A"): 10}
    assert stock_mismatches() == []


def test_many_returns_racing_bring_back_exactly_what_was_shipped():
    warehouse, product = WarehouseFactory(), ProductFactory()
    post_lines("receipt", warehouse, [LineInput(product.pk, 100)])
    shipment = post_lines("shipment", warehouse, [LineInput(product.pk, 10)])
    racing = [draft_return(shipment, [LineInput(product.pk, 3)]) for _ in range(8)]

    results = run_concurrently([lambda d=d: document_post(document_id=d.pk) for d in racing])

    assert sum(isinstance(r, Document) for r in results) == 3  # 9 of 10; a 4th would be 12
    assert all(isinstance(r, Document | ReturnExceedsShipped) for r in results), results
    assert held(product) == {(warehouse.code, None): 99}
    assert stock_mismatches() == []


def test_a_return_racing_the_cancel_of_its_shipment():
    """Whichever goes first, the other sees it: never a return of a cancelled shipment."""
    warehouse, product = WarehouseFactory(), ProductFactory()
    post_lines("receipt", warehouse, [LineInput(product.pk, 10)])
    for _ in range(5):
        shipment = post_lines("shipment", warehouse, [LineInput(product.pk, 2)])
        draft = draft_return(shipment, [LineInput(product.pk, 2)])

        results = run_concurrently(
            [
                lambda d=draft: document_post(document_id=d.pk),
                lambda s=shipment: document_cancel(document_id=s.pk),
            ]
        )

        assert sum(isinstance(r, Document) for r in results) == 1, results
        assert all(
            isinstance(r, Document | ShipmentHasReturns) or r.code == "origin_not_posted"
            for r in results
        ), results
        statuses = set(
            Document.objects.filter(pk__in=[draft.pk, shipment.pk]).values_list("status", flat=True)
        )
        assert statuses in ({Status.POSTED}, {Status.DRAFT, Status.CANCELLED})
    shipped = Document.objects.filter(doc_type="shipment", status=Status.POSTED).count()
    returned = Document.objects.filter(doc_type="return", status=Status.POSTED).count()
    assert shipped == returned  # a shipment stays posted exactly when its return posted
    assert held(product) == {(warehouse.code, None): 10}
    assert stock_mismatches() == []
