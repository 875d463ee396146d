"""Concurrent postings on PostgreSQL, each worker on its own connection."""

import pytest

from documents.exceptions import DocumentStateError
from documents.models import Document, Status
from documents.services import document_post
from inventory.exceptions import InsufficientStock
from inventory.models import Inventory, StockMovement, WarehouseInventory
from inventory.selectors import stock_mismatches
from tests.concurrency import run_concurrently
from tests.factories import ProductFactory, WarehouseFactory
from tests.support.documents import make_document, post
from tests.support.stock import stock, total

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def posting(document):
    return lambda: document_post(document_id=document.pk)


@pytest.mark.parametrize("workers, stock_level, quantity", [(8, 10, 3), (12, 20, 2), (8, 7, 7)])
def test_concurrent_shipments_never_oversell(workers, stock_level, quantity):
    warehouse, product = WarehouseFactory(), ProductFactory()
    post("receipt", warehouse, [(product, stock_level)])
    shipments = [
        make_document("shipment", warehouse, [(product, quantity)]) for _ in range(workers)
    ]

    results = run_concurrently([posting(s) for s in shipments])

    succeeded = [r for r in results if isinstance(r, Document)]
    refused = [r for r in results if isinstance(r, InsufficientStock)]
    expected = min(workers, stock_level // quantity)
    print(
        f"\n{workers} concurrent shipments of {quantity} against {stock_level}: "
        f"{len(succeeded)} posted, {len(refused)} refused, "
        f"final stock {stock(warehouse, product)}"
    )
    assert len(succeeded) == expected
    assert len(refused) == workers - expected
    assert stock(warehouse, product) == stock_level - expected * quantity
    assert total(product) == stock_level - expected * quantity
    assert stock_mismatches() == []


def test_concurrent_first_receipts_make_one_row_with_the_sum():
    warehouse, product = WarehouseFactory(), ProductFactory()
    receipts = [make_document("receipt", warehouse, [(product, 5)]) for _ in range(8)]

    results = run_concurrently([posting(r) for r in receipts])

    assert all(isinstance(r, Document) for r in results), results
    rows = WarehouseInventory.objects.filter(warehouse=warehouse, product=product)
    assert [r.quantity for r in rows] == [40]
    assert list(Inventory.objects.filter(product=product).values_list("quantity", flat=True)) == [
        40
    ]
    assert stock_mismatches() == []


def test_opposite_line_orders_never_deadlock():
    """Documents over the same products in opposite orders, in two warehouses at once."""
    warehouses = WarehouseFactory.create_batch(2)
    products = ProductFactory.create_batch(6)
    for w in warehouses:
        post("receipt", w, [(p, 10_000) for p in products])
    rounds = 15
    calls = []
    for i in range(rounds):
        for w in warehouses:
            forward = make_document("shipment", w, [(p, 1) for p in products])
            backward = make_document("adjustment", w, [(p, 1) for p in reversed(products)])
            transfer = make_document(
                "transfer",
                w,
                [(p, 1) for p in (products if i % 2 else reversed(products))],
                destination=warehouses[1] if w == warehouses[0] else warehouses[0],
            )
            calls += [posting(forward), posting(backward), posting(transfer)]

    results = []
    # Six workers at a time, every one touching the same twelve rows in its own line order.
    for start in range(0, len(calls), 6):
        results += run_concurrently(calls[start : start + 6])

    failures = [r for r in results if not isinstance(r, Document)]
    print(f"\n{len(results)} postings in opposite line orders: {len(failures)} failed")
    assert failures == []
    for p in products:
        assert total(p) == 2 * 10_000  # shipments -1, adjustments +1, transfers net 0
    assert stock_mismatches() == []


def test_the_same_document_posted_by_8_workers_is_applied_once():
    warehouse, product = WarehouseFactory(), ProductFactory()
    post("receipt", warehouse, [(product, 100)])
    shipment = make_document("shipment", warehouse, [(product, 10)])

    results = run_concurrently([posting(shipment)] * 8)

    assert sum(isinstance(r, Document) for r in results) == 1
    refused = [r for r in results if isinstance(r, DocumentStateError)]
    assert len(refused) == 7 and all(r.status == Status.POSTED for r in refused)
    assert stock(warehouse, product) == 90
    assert StockMovement.objects.filter(document=shipment).count() == 1
