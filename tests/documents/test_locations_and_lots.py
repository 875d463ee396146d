"""Every document type at location and lot level: where stock goes, which lot, what it takes."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from documents.services import LineInput, document_cancel, document_create, document_post
from inventory.exceptions import InsufficientStock, SerialInStock
from inventory.models import Lot, StockMovement, WarehouseInventory
from inventory.selectors import stock_mismatches
from tests.factories import ProductFactory, WarehouseFactory
from tests.support.stock import held, stock, total
from warehouses.services import location_create

pytestmark = pytest.mark.django_db

JAN, MAR = datetime.date(2027, 1, 31), datetime.date(2027, 3, 31)


def draft(doc_type, warehouse, lines, destination=None):
    return document_create(
        doc_type=doc_type,
        warehouse_id=warehouse.pk,
        destination_warehouse_id=destination.pk if destination else None,
        lines=lines,
    )


def posted(doc_type, warehouse, lines, destination=None):
    document = draft(doc_type, warehouse, lines, destination)
    return document_post(document_id=document.pk)


def ledger(document) -> list[tuple]:
    return [
        (m.location.full_path, m.lot.code if m.lot else None, m.quantity, m.balance_after)
        for m in StockMovement.objects.filter(document=document)
        .select_related("location__warehouse", "lot")
        .order_by("id")
    ]


@pytest.fixture
def shelves(warehouse):
    aisle = location_create(warehouse_id=warehouse.pk, code="A")
    return [location_create(parent_id=aisle.pk, code=f"0{i}") for i in (1, 2)]


def test_a_receipt_puts_away_to_its_location_and_creates_the_lot(warehouse, shelves):
    product = ProductFactory(tracking="lot")
    receipt = posted(
        "receipt",
        warehouse,
        [LineInput(product.pk, 10, location_id=shelves[0].pk, lot="B1", expires_on=JAN)],
    )
    lot = Lot.objects.get(product=product, code="B1")
    assert lot.expires_on == JAN and not lot.is_serial
    code = warehouse.code
    assert held(product) == {(f"{code}/A/01", "B1"): 10}
    assert ledger(receipt) == [(f"{code}/A/01", "B1", 10, 10)]
    assert stock(warehouse, product) == total(product) == 10


def test_an_untracked_receipt_goes_to_the_default_location(warehouse, product):
    posted("receipt", warehouse, [LineInput(product.pk, 4)])
    assert held(product) == {(warehouse.code, None): 4}


def test_lots_are_required_for_tracked_products_and_refused_for_others(warehouse, product):
    tracked = ProductFactory(tracking="lot")
    with pytest.raises(ValidationError) as raised:
        draft("receipt", warehouse, [LineInput(tracked.pk, 1), LineInput(product.pk, 1, lot="X")])
    assert raised.value.message_dict["lines"] == [
        f"Line 1 ({tracked.sku}): product {tracked.sku} is tracked by lot: name the lot.",
        f"Line 2 ({product.sku}): product {product.sku} is not tracked by lot; "
        "leave the lot empty.",
    ]


def test_a_shipment_takes_the_first_expiry_first_and_the_ledger_shows_it(warehouse, shelves):
    """March's lot is on the first shelf, January's on the second: January goes first."""
    product = ProductFactory(tracking="lot")
    posted(
        "receipt",
        warehouse,
        [
            LineInput(product.pk, 5, location_id=shelves[0].pk, lot="MAR", expires_on=MAR),
            LineInput(product.pk, 5, location_id=shelves[1].pk, lot="JAN", expires_on=JAN),
        ],
    )
    shipment = posted("shipment", warehouse, [LineInput(product.pk, 7)])
    code = warehouse.code
    assert ledger(shipment) == [(f"{code}/A/01", "MAR", -2, 3), (f"{code}/A/02", "JAN", -5, 0)]
    assert held(product) == {(f"{code}/A/01", "MAR"): 3}


def test_without_expiry_first_in_first_out_then_pick_order(warehouse, shelves, product):
    later = location_create(warehouse_id=warehouse.pk, code="Z", pick_order=-5)
    posted("receipt", warehouse, [LineInput(product.pk, 3, location_id=shelves[1].pk)])
    posted("receipt", warehouse, [LineInput(product.pk, 3, location_id=later.pk)])
    shipment = posted("shipment", warehouse, [LineInput(product.pk, 4)])
    code = warehouse.code
    # A/02 received first; Z's pick order comes into play only between equals.
    assert ledger(shipment) == [(f"{code}/A/02", None, -3, 0), (f"{code}/Z", None, -1, 2)]


def test_a_line_naming_a_location_takes_only_from_below_it(warehouse, shelves, product):
    other = location_create(warehouse_id=warehouse.pk, code="B")
    posted("receipt", warehouse, [LineInput(product.pk, 3, location_id=other.pk)])
    posted("receipt", warehouse, [LineInput(product.pk, 3, location_id=shelves[1].pk)])
    aisle = shelves[0].parent
    with pytest.raises(InsufficientStock) as raised:
        posted("shipment", warehouse, [LineInput(product.pk, 4, location_id=aisle.pk)])
    [shortage] = raised.value.shortages
    assert (shortage.requested, shortage.available, shortage.location) == (4, 3, aisle.pk)
    assert f"{warehouse.code}/A: requested 4, available 3" in raised.value.message


def test_an_internal_move_goes_shelf_to_shelf_keeping_the_lot(warehouse, shelves):
    product = ProductFactory(tracking="lot")
    posted("receipt", warehouse, [LineInput(product.pk, 6, lot="B7", location_id=shelves[0].pk)])
    move = posted(
        "transfer",
        warehouse,
        [
            LineInput(
                product.pk, 4, location_id=shelves[0].pk, destination_location_id=shelves[1].pk
            )
        ],
        destination=warehouse,
    )
    code = warehouse.code
    assert held(product) == {(f"{code}/A/01", "B7"): 2, (f"{code}/A/02", "B7"): 4}
    assert sorted(ledger(move)) == [(f"{code}/A/01", "B7", -4, 2), (f"{code}/A/02", "B7", 4, 4)]
    assert stock(warehouse, product) == total(product) == 6


def test_a_transfer_between_warehouses_keeps_lots_and_lands_at_the_default(warehouse):
    destination = WarehouseFactory()
    product = ProductFactory(tracking="lot")
    posted(
        "receipt",
        warehouse,
        [LineInput(product.pk, 2, lot="A", expires_on=JAN), LineInput(product.pk, 2, lot="B")],
    )
    posted("transfer", warehouse, [LineInput(product.pk, 3)], destination=destination)
    assert held(product) == {
        (destination.code, "A"): 2,
        (destination.code, "B"): 1,
        (warehouse.code, "B"): 1,
    }
    assert stock(destination, product) == 3 and total(product) == 4


def test_a_count_sets_exactly_one_quant(warehouse, shelves, product):
    posted("receipt", warehouse, [LineInput(product.pk, 5, location_id=shelves[0].pk)])
    posted("receipt", warehouse, [LineInput(product.pk, 5, location_id=shelves[1].pk)])
    count = posted("count", warehouse, [LineInput(product.pk, 2, location_id=shelves[1].pk)])
    assert ledger(count) == [(f"{warehouse.code}/A/02", None, -3, 2)]
    assert stock(warehouse, product) == 7


def test_cancel_reverses_quant_by_quant(warehouse, shelves):
    product = ProductFactory(tracking="lot")
    posted(
        "receipt",
        warehouse,
        [
            LineInput(product.pk, 2, location_id=shelves[0].pk, lot="X", expires_on=JAN),
            LineInput(product.pk, 2, location_id=shelves[1].pk, lot="Y", expires_on=MAR),
        ],
    )
    shipment = posted("shipment", warehouse, [LineInput(product.pk, 3)])
    before = held(product)
    document_cancel(document_id=shipment.pk)
    code = warehouse.code
    assert before == {(f"{code}/A/02", "Y"): 1}
    assert held(product) == {(f"{code}/A/01", "X"): 2, (f"{code}/A/02", "Y"): 2}
    assert stock_mismatches() == []


def test_a_serial_is_received_once_and_one_at_a_time(warehouse, shelves):
    phone = ProductFactory(tracking="serial")
    with pytest.raises(ValidationError) as raised:
        draft("receipt", warehouse, [LineInput(phone.pk, 2, lot="SN1")])
    assert "at most 1" in raised.value.message_dict["lines"][0]
    posted("receipt", warehouse, [LineInput(phone.pk, 1, lot="SN1", location_id=shelves[0].pk)])
    assert Lot.objects.get(code="SN1").is_serial
    for where in (shelves[0].pk, shelves[1].pk):
        again = draft("receipt", warehouse, [LineInput(phone.pk, 1, lot="SN1", location_id=where)])
        with pytest.raises(SerialInStock):
            document_post(document_id=again.pk)
    assert held(phone) == {(f"{warehouse.code}/A/01", "SN1"): 1}


def test_the_quantity_bound_holds_on_every_database(warehouse, product):
    """9·10^18 then 10^18 would pass a bigint: refused by the service, not the database."""
    from inventory.exceptions import StockLimitExceeded

    posted("receipt", warehouse, [LineInput(product.pk, 9 * 10**18)])
    second = draft("receipt", warehouse, [LineInput(product.pk, 10**18)])
    with pytest.raises(StockLimitExceeded):
        document_post(document_id=second.pk)
    assert WarehouseInventory.objects.get(product=product).quantity == 9 * 10**18
    assert total(product) == 9 * 10**18
    assert stock_mismatches() == []
