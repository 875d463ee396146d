import pytest

from documents.models import Status
from documents.services import MAX_QUANTITY, document_post
from inventory.exceptions import StockLimitExceeded
from inventory.models import StockMovement
from tests.factories import ProductFactory
from tests.support.documents import make_document, post
from tests.support.stock import stock, total

pytestmark = pytest.mark.django_db


def test_receipt_adds_stock_totals_and_ledger(warehouse, product):
    other = ProductFactory()
    document = post("receipt", warehouse, [(product, 10), (other, 3)])

    assert document.status == Status.POSTED
    assert document.posted_at is not None
    assert stock(warehouse, product) == 10
    assert stock(warehouse, other) == 3
    assert total(product) == 10
    ledger = StockMovement.objects.filter(document=document).order_by("product_id")
    assert [(m.product_id, m.warehouse_id, m.quantity, m.is_reversal) for m in ledger] == [
        (product.pk, warehouse.pk, 10, False),
        (other.pk, warehouse.pk, 3, False),
    ]
    assert {m.document_line_id for m in ledger} == set(document.lines.values_list("id", flat=True))


def test_second_receipt_adds_to_the_same_row(warehouse, product):
    post("receipt", warehouse, [(product, 10)])
    post("receipt", warehouse, [(product, 5)])
    assert stock(warehouse, product) == 15
    assert total(product) == 15


def test_receipts_into_two_warehouses_add_up_in_the_total(warehouse, other_warehouse, product):
    post("receipt", warehouse, [(product, 10)])
    post("receipt", other_warehouse, [(product, 7)])
    assert total(product) == 17


def test_number_has_the_type_prefix(warehouse, product):
    document = make_document("receipt", warehouse, [(product, 1)])
    assert document.number == f"RCV-{document.pk:06d}"
    document_post(document_id=document.pk)
    document.refresh_from_db()
    assert document.number == f"RCV-{document.pk:06d}"


@pytest.mark.postgres
def test_stock_past_the_column_limit_is_refused_and_changes_nothing(warehouse, product):
    post("receipt", warehouse, [(product, MAX_QUANTITY)])
    document = make_document("receipt", warehouse, [(product, 1)])
    with pytest.raises(StockLimitExceeded):
        document_post(document_id=document.pk)
    assert stock(warehouse, product) == MAX_QUANTITY
    assert not document.movements.exists()
