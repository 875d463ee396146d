import pytest

from documents.exceptions import DocumentStateError
from documents.models import Document, Status
from documents.services import document_cancel
from inventory.exceptions import InsufficientStock, Shortage
from inventory.models import StockMovement
from tests.support.documents import make_document, post
from tests.support.stock import stock, total

pytestmark = pytest.mark.django_db


def test_cancelling_a_receipt_writes_reversing_movements(warehouse, product):
    receipt = post("receipt", warehouse, [(product, 10)])
    document_cancel(document_id=receipt.pk)

    receipt.refresh_from_db()
    assert receipt.status == Status.CANCELLED
    assert receipt.cancelled_at is not None
    assert stock(warehouse, product) == 0
    assert total(product) == 0
    assert sorted(receipt.movements.values_list("quantity", "is_reversal")) == [
        (-10, True),
        (10, False),
    ]


def test_cancelling_a_transfer_moves_the_goods_back(warehouse, other_warehouse, product):
    post("receipt", warehouse, [(product, 10)])
    transfer = post("transfer", warehouse, [(product, 4)], destination=other_warehouse)
    document_cancel(document_id=transfer.pk)
    assert (stock(warehouse, product), stock(other_warehouse, product)) == (10, 0)
    assert total(product) == 10


def test_cancelling_a_count_reverses_its_deltas(warehouse, product):
    post("receipt", warehouse, [(product, 10)])
    count = post("count", warehouse, [(product, 6)])
    document_cancel(document_id=count.pk)
    assert stock(warehouse, product) == 10


def test_cancel_is_refused_when_the_stock_to_take_back_is_gone(warehouse, product):
    receipt = post("receipt", warehouse, [(product, 10)])
    post("shipment", warehouse, [(product, 7)])
    movements_before = StockMovement.objects.count()

    with pytest.raises(InsufficientStock) as raised:
        document_cancel(document_id=receipt.pk)

    assert raised.value.shortages == [
        Shortage(
            product=product.pk,
            warehouse=warehouse.pk,
            requested=10,
            available=3,
            location=warehouse.default_location.pk,
        )
    ]
    receipt.refresh_from_db()
    assert receipt.status == Status.POSTED
    assert stock(warehouse, product) == 3
    assert StockMovement.objects.count() == movements_before


def test_cancelling_twice_is_refused(warehouse, product):
    receipt = post("receipt", warehouse, [(product, 10)])
    document_cancel(document_id=receipt.pk)
    with pytest.raises(DocumentStateError) as raised:
        document_cancel(document_id=receipt.pk)
    assert raised.value.status == Status.CANCELLED
    assert stock(warehouse, product) == 0
    assert receipt.movements.count() == 2


def test_cancelling_a_draft_moves_nothing(warehouse, product):
    draft = make_document("receipt", warehouse, [(product, 10)])
    document_cancel(document_id=draft.pk)
    assert Document.objects.get(pk=draft.pk).status == Status.CANCELLED
    assert not draft.movements.exists()
