"""Reserve, unreserve, post what was reserved, short picks and backorders."""

import pytest
from django.core.exceptions import ValidationError

from documents.exceptions import DocumentStateError
from documents.models import Document, Status
from documents.services import (
    LineInput,
    document_cancel,
    document_create,
    document_post,
    document_reserve,
    document_unreserve,
)
from inventory.exceptions import InsufficientStock
from inventory.models import Inventory, Quant, StockReservation, WarehouseInventory
from inventory.selectors import stock_mismatches
from tests.factories import ProductFactory
from tests.support.documents import make_document, post
from tests.support.stock import held, stock, total
from warehouses.services import location_create

pytestmark = pytest.mark.django_db


def reserved(warehouse, product) -> tuple[int, int, int]:
    """reserved at the three levels: quants, the warehouse row, the product total."""
    quants = sum(Quant.objects.filter(product=product).values_list("reserved", flat=True))
    row = WarehouseInventory.objects.get(warehouse=warehouse, product=product).reserved
    return quants, row, Inventory.objects.get(product=product).reserved


def test_reserving_promises_stock_that_no_other_document_can_take(warehouse, product):
    post("receipt", warehouse, [(product, 10)])
    first = make_document("shipment", warehouse, [(product, 7)])
    document_reserve(document_id=first.pk)
    assert Document.objects.get(pk=first.pk).status == Status.RESERVED
    assert reserved(warehouse, product) == (7, 7, 7)

    with pytest.raises(InsufficientStock) as raised:
        post("shipment", warehouse, [(product, 4)])
    assert raised.value.shortages[0].available == 3
    second = make_document("shipment", warehouse, [(product, 4)])
    with pytest.raises(InsufficientStock):
        document_reserve(document_id=second.pk)
    assert stock(warehouse, product) == 10 and stock_mismatches() == []


def test_partial_reserves_what_there_is(warehouse, product):
    post("receipt", warehouse, [(product, 3)])
    document = make_document("shipment", warehouse, [(product, 5)])
    with pytest.raises(InsufficientStock):
        document_reserve(document_id=document.pk)
    done = document_reserve(document_id=document.pk, partial=True)
    assert [(s.requested, s.available) for s in done.short] == [(5, 3)]
    assert reserved(warehouse, product) == (3, 3, 3)


def test_unreserve_gives_it_back_and_the_lines_are_frozen_meanwhile(warehouse, product):
    post("receipt", warehouse, [(product, 10)])
    document = make_document("shipment", warehouse, [(product, 6)])
    document_reserve(document_id=document.pk)
    from documents.services import document_update

    with pytest.raises(DocumentStateError):
        document_update(document_id=document.pk, lines=[LineInput(product.pk, 1)])
    document_unreserve(document_id=document.pk)
    assert Document.objects.get(pk=document.pk).status == Status.DRAFT
    assert reserved(warehouse, product) == (0, 0, 0)
    assert not StockReservation.objects.exists()
    assert stock_mismatches() == []


def test_posting_a_reserved_document_moves_exactly_its_quants(warehouse):
    product = ProductFactory(tracking="lot")
    shelves = [location_create(warehouse_id=warehouse.pk, code=f"S{i}") for i in (1, 2)]
    receipt = document_create(
        doc_type="receipt",
        warehouse_id=warehouse.pk,
        lines=[
            LineInput(product.pk, 4, location_id=shelves[0].pk, lot="OLD"),
            LineInput(product.pk, 4, location_id=shelves[1].pk, lot="NEW"),
        ],
    )
    document_post(document_id=receipt.pk)
    shipment = make_document("shipment", warehouse, [(product, 5)])
    document_reserve(document_id=shipment.pk)
    # A count elsewhere cannot change which quants the shipment ships.
    posted = document_post(document_id=shipment.pk)
    assert posted.backorder is None
    assert held(product) == {(f"{warehouse.code}/S2", "NEW"): 3}
    assert reserved(warehouse, product) == (0, 0, 0) and stock_mismatches() == []


def test_a_short_pick_ships_what_was_picked_and_backorders_the_rest(warehouse, product):
    other = ProductFactory()
    post("receipt", warehouse, [(product, 10), (other, 10)])
    shipment = make_document("shipment", warehouse, [(product, 6), (other, 2)])
    document_reserve(document_id=shipment.pk)
    lines = dict(shipment.lines.values_list("product_id", "id"))

    posted = document_post(document_id=shipment.pk, shipped={lines[product.pk]: 4})

    backorder = posted.backorder
    assert backorder.backorder_of_id == shipment.pk and backorder.status == Status.DRAFT
    assert list(backorder.lines.values_list("product_id", "quantity")) == [(product.pk, 2)]
    assert (stock(warehouse, product), stock(warehouse, other)) == (6, 8)
    assert reserved(warehouse, product) == (0, 0, 0)
    assert Document.objects.filter(backorder_of=shipment).count() == 1

    document_post(document_id=backorder.pk)
    assert stock(warehouse, product) == 4

    document_cancel(document_id=shipment.pk)  # reverses only what it shipped
    assert (stock(warehouse, product), stock(warehouse, other)) == (8, 10)
    assert total(product) == 8 and stock_mismatches() == []


def test_shipped_quantities_are_checked(warehouse, product):
    post("receipt", warehouse, [(product, 10)])
    shipment = make_document("shipment", warehouse, [(product, 3)])
    with pytest.raises(ValidationError):
        document_post(document_id=shipment.pk, shipped={1: 1})  # a draft: no shipped
    document_reserve(document_id=shipment.pk)
    line = shipment.lines.get().pk
    with pytest.raises(ValidationError) as raised:
        document_post(document_id=shipment.pk, shipped={line: 4, line + 999: 1})
    assert len(raised.value.message_dict["lines"]) == 2
    assert Document.objects.get(pk=shipment.pk).status == Status.RESERVED


def test_a_count_below_what_is_reserved_is_refused_naming_the_holder(warehouse, product):
    post("receipt", warehouse, [(product, 10)])
    shipment = make_document("shipment", warehouse, [(product, 8)])
    document_reserve(document_id=shipment.pk)
    with pytest.raises(InsufficientStock) as raised:
        post("count", warehouse, [(product, 5)])
    assert raised.value.shortages[0].held_by == (shipment.number,)
    assert f"(reserved for {shipment.number})" in raised.value.message
    post("count", warehouse, [(product, 8)])  # down to what is promised is fine
    assert stock(warehouse, product) == 8


def test_cancelling_a_reserved_document_releases_it(warehouse, product):
    post("receipt", warehouse, [(product, 10)])
    shipment = make_document("shipment", warehouse, [(product, 8)])
    document_reserve(document_id=shipment.pk)
    document_cancel(document_id=shipment.pk)
    assert reserved(warehouse, product) == (0, 0, 0) and stock_mismatches() == []


def test_a_reserved_transfer_lands_at_the_destination(warehouse, other_warehouse, product):
    post("receipt", warehouse, [(product, 10)])
    transfer = make_document("transfer", warehouse, [(product, 4)], destination=other_warehouse)
    document_reserve(document_id=transfer.pk)
    document_post(document_id=transfer.pk)
    assert (stock(warehouse, product), stock(other_warehouse, product)) == (6, 4)
    assert stock_mismatches() == []
