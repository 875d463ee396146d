"""Returns: what a posted shipment shipped comes back, per (product, lot), never more."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command

from documents.exceptions import (
    DocumentStateError,
    OriginNotPosted,
    ReturnExceedsShipped,
    ShipmentHasReturns,
)
from documents.models import Document, Status
from documents.services import (
    LineInput,
    document_cancel,
    document_create,
    document_post,
    document_update,
    return_create,
)
from inventory.models import StockMovement
from inventory.selectors import stock_mismatches
from tests.factories import ProductFactory, WarehouseFactory
from tests.support.documents import draft_return, make_document, post, post_lines
from tests.support.stock import held, stock, total
from warehouses.services import location_create

pytestmark = pytest.mark.django_db


def receive(warehouse, lines):
    return post_lines("receipt", warehouse, lines)


def ship(warehouse, lines):
    return post_lines("shipment", warehouse, lines)


def post_return(shipment, lines, user=None):
    return document_post(document_id=draft_return(shipment, lines).pk, user=user)


@pytest.fixture
def milk(db):
    return ProductFactory(tracking="lot")


@pytest.fixture
def two_lots_shipped(warehouse, milk):
    """10 of lot A and 10 of lot B received; 5 of each shipped."""
    receive(warehouse, [LineInput(milk.pk, 10, lot="A"), LineInput(milk.pk, 10, lot="B")])
    return ship(warehouse, [LineInput(milk.pk, 5, lot="A"), LineInput(milk.pk, 5, lot="B")])


def test_a_return_puts_back_at_the_default_location_the_lot_it_shipped(
    warehouse, milk, two_lots_shipped
):
    returned = post_return(two_lots_shipped, [LineInput(milk.pk, 2, lot="A")])

    assert returned.number.startswith("RET-")
    assert returned.status == Status.POSTED
    assert held(milk) == {(warehouse.code, "A"): 7, (warehouse.code, "B"): 5}
    assert total(milk) == 12
    (row,) = StockMovement.objects.filter(document=returned)
    assert (row.location_id, row.lot.code, row.quantity) == (warehouse.default_location_id, "A", 2)
    assert stock_mismatches() == []


def test_a_return_to_a_named_location(warehouse, product):
    receive(warehouse, [LineInput(product.pk, 10)])
    shipment = ship(warehouse, [LineInput(product.pk, 4)])
    dock = location_create(warehouse_id=warehouse.pk, code="RETURNS")

    post_return(shipment, [LineInput(product.pk, 3, location_id=dock.pk)])

    assert held(product) == {(warehouse.code, None): 6, (f"{warehouse.code}/RETURNS", None): 3}
    assert stock(warehouse, product) == 9


def test_the_bound_is_per_lot_though_the_total_fits(warehouse, milk, two_lots_shipped):
    draft = draft_return(two_lots_shipped, [LineInput(milk.pk, 6, lot="A")])

    with pytest.raises(ReturnExceedsShipped) as refused:
        document_post(document_id=draft.pk)

    assert refused.value.exceeded == [
        {"product": milk.pk, "sku": milk.sku, "lot": "A", "asked": 6, "returnable": 5}
    ]
    assert f"{milk.sku} lot A: asked 6, returnable 5" in refused.value.message
    assert Document.objects.get(pk=draft.pk).status == Status.DRAFT
    assert total(milk) == 10  # nothing came back


def test_lines_of_one_lot_at_two_locations_count_together(warehouse, milk, two_lots_shipped):
    shelf = location_create(warehouse_id=warehouse.pk, code="S1")
    draft = draft_return(
        two_lots_shipped,
        [LineInput(milk.pk, 3, lot="B"), LineInput(milk.pk, 3, lot="B", location_id=shelf.pk)],
    )
    with pytest.raises(ReturnExceedsShipped) as refused:
        document_post(document_id=draft.pk)
    assert refused.value.exceeded[0]["asked"] == 6


def test_earlier_returns_reduce_the_bound_and_a_cancelled_one_frees_it(
    warehouse, milk, two_lots_shipped
):
    first = post_return(two_lots_shipped, [LineInput(milk.pk, 4, lot="A")])
    second = draft_return(two_lots_shipped, [LineInput(milk.pk, 2, lot="A")])
    with pytest.raises(ReturnExceedsShipped) as refused:
        document_post(document_id=second.pk)
    assert refused.value.exceeded[0]["returnable"] == 1

    document_cancel(document_id=first.pk)
    document_post(document_id=second.pk)

    assert held(milk) == {(warehouse.code, "A"): 7, (warehouse.code, "B"): 5}
    assert stock_mismatches() == []


def test_a_shipment_with_posted_returns_is_not_cancelled_until_they_are(
    warehouse, milk, two_lots_shipped
):
    returned = post_return(two_lots_shipped, [LineInput(milk.pk, 1, lot="B")])
    draft = draft_return(two_lots_shipped, [LineInput(milk.pk, 1, lot="A")])

    with pytest.raises(ShipmentHasReturns) as refused:
        document_cancel(document_id=two_lots_shipped.pk)
    assert refused.value.returns == [returned.number]
    assert Document.objects.get(pk=two_lots_shipped.pk).status == Status.POSTED

    document_cancel(document_id=returned.pk)
    document_cancel(document_id=two_lots_shipped.pk)  # a draft return does not hold it
    assert total(milk) == 20

    # A cancelled shipment returns nothing: its draft return is refused, naming why.
    with pytest.raises(OriginNotPosted) as gone:
        document_post(document_id=draft.pk)
    assert gone.value.details() == {"origin": two_lots_shipped.pk, "origin_status": "cancelled"}
    assert stock_mismatches() == []
    assert call_command("reconcile_stock") is None  # exits 1 on a mismatch


def test_a_return_is_cancelled_under_the_shortage_rule(warehouse, product):
    receive(warehouse, [LineInput(product.pk, 5)])
    shipment = ship(warehouse, [LineInput(product.pk, 5)])
    returned = post_return(shipment, [LineInput(product.pk, 5)])
    ship(warehouse, [LineInput(product.pk, 4)])  # what came back went out again

    with pytest.raises(Exception, match="Insufficient stock"):
        document_cancel(document_id=returned.pk)
    assert Document.objects.get(pk=returned.pk).status == Status.POSTED


def test_a_serial_comes_back_once(warehouse):
    scanner = ProductFactory(tracking="serial")
    receive(warehouse, [LineInput(scanner.pk, 1, lot="SN-1")])
    shipment = ship(warehouse, [LineInput(scanner.pk, 1)])

    post_return(shipment, [LineInput(scanner.pk, 1, lot="SN-1")])
    again = draft_return(shipment, [LineInput(scanner.pk, 1, lot="SN-1")])
    with pytest.raises(ReturnExceedsShipped):
        document_post(document_id=again.pk)
    assert held(scanner) == {(warehouse.code, "SN-1"): 1}


# --- drafting -------------------------------------------------------------------------------


def errors_of(call) -> dict:
    with pytest.raises(ValidationError) as refused:
        call()
    return refused.value.message_dict


def test_a_return_names_a_posted_shipment_of_its_warehouse(warehouse, other_warehouse, product):
    receive(warehouse, [LineInput(product.pk, 10)])
    shipment = ship(warehouse, [LineInput(product.pk, 4)])
    receipt = post("receipt", warehouse, [(product, 1)])
    waiting = make_document("shipment", warehouse, [(product, 1)])
    line = [LineInput(product.pk, 1)]

    def drafted(origin, where=warehouse, doc_type="return"):
        return lambda: document_create(
            doc_type=doc_type, warehouse_id=where.pk, origin_id=origin, lines=line
        )

    assert errors_of(drafted(None))["origin"] == ["A return names the posted shipment it returns."]
    assert errors_of(drafted(10**9))["origin"] == [f"Document {10**9} does not exist."]
    assert "a return's origin is a shipment" in errors_of(drafted(receipt.pk))["origin"][0]
    assert "only a posted shipment is returned" in errors_of(drafted(waiting.pk))["origin"][0]
    assert (
        "return to where they left" in errors_of(drafted(shipment.pk, other_warehouse))["origin"][0]
    )
    assert errors_of(drafted(shipment.pk, doc_type="receipt"))["origin"] == [
        "Only returns name an origin."
    ]


def test_a_return_line_names_what_the_shipment_shipped(warehouse, milk, two_lots_shipped):
    other = ProductFactory()
    receive(warehouse, [LineInput(milk.pk, 1, lot="C")])

    errors = errors_of(
        lambda: draft_return(
            two_lots_shipped,
            [
                LineInput(milk.pk, 1),
                LineInput(milk.pk, 1, lot="C"),
                LineInput(other.pk, 1),
                LineInput(milk.pk, 0, lot="A"),
            ],
        )
    )["lines"]

    number = two_lots_shipped.number
    assert errors == [
        f"Line 1 ({milk.sku}): product {milk.sku} is tracked by lot: name the lot.",
        f"Line 2 ({milk.sku}): {number} did not ship lot C of {milk.sku}.",
        f"Line 3 ({other.sku}): {number} did not ship {other.sku}.",
        f"Line 4 ({milk.sku}): a return's quantity must be positive.",
    ]


def test_a_draft_return_keeps_its_shipment_and_warehouse(warehouse, other_warehouse, product):
    receive(warehouse, [LineInput(product.pk, 10)])
    shipment = ship(warehouse, [LineInput(product.pk, 4)])
    draft = draft_return(shipment, [LineInput(product.pk, 1)])

    errors = errors_of(
        lambda: document_update(document_id=draft.pk, warehouse_id=other_warehouse.pk)
    )
    assert "origin" in errors
    document_update(document_id=draft.pk, lines=[LineInput(product.pk, 2)])
    assert draft.lines.get().quantity == 2


# --- who ------------------------------------------------------------------------------------


def test_a_clerk_drafts_a_return_and_a_manager_posts_it(clerk, manager, warehouse, product):
    receive(warehouse, [LineInput(product.pk, 10)])
    shipment = ship(warehouse, [LineInput(product.pk, 4)])
    draft = draft_return(shipment, [LineInput(product.pk, 1)], created_by=clerk)

    with pytest.raises(PermissionDenied):
        document_post(document_id=draft.pk, user=clerk)
    with pytest.raises(PermissionDenied):
        document_cancel(document_id=draft.pk, user=clerk)
    document_post(document_id=draft.pk, user=manager)
    document_cancel(document_id=draft.pk, user=manager)


# --- a draft of what can still come back ----------------------------------------------------


def test_return_create_drafts_what_can_still_come_back(warehouse, milk, two_lots_shipped):
    post_return(two_lots_shipped, [LineInput(milk.pk, 5, lot="A")])

    draft = return_create(shipment_id=two_lots_shipped.pk)

    lines = list(draft.lines.values_list("product_id", "lot__code", "quantity", "location_id"))
    assert lines == [(milk.pk, "B", 5, warehouse.default_location_id)]
    assert (draft.origin_id, draft.status) == (two_lots_shipped.pk, Status.DRAFT)
    document_post(document_id=draft.pk)
    with pytest.raises(Exception, match="has come back already"):
        return_create(shipment_id=two_lots_shipped.pk)


def test_only_a_posted_shipment_is_returned(warehouse, product):
    receipt = post("receipt", warehouse, [(product, 1)])
    with pytest.raises(DocumentStateError):
        return_create(shipment_id=receipt.pk)


def test_returns_of_another_warehouse_do_not_mix(warehouse, product):
    """Returnable amounts are the shipment's own, not those of another shipment of the SKU."""
    elsewhere = WarehouseFactory()
    for w in (warehouse, elsewhere):
        receive(w, [LineInput(product.pk, 10)])
    mine = ship(warehouse, [LineInput(product.pk, 2)])
    ship(elsewhere, [LineInput(product.pk, 7)])

    draft = draft_return(mine, [LineInput(product.pk, 3)])
    with pytest.raises(ReturnExceedsShipped) as refused:
        document_post(document_id=draft.pk)
    assert refused.value.exceeded[0]["returnable"] == 2
