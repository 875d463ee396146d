"""Concurrent postings over locations and lots on PostgreSQL, each worker on its own connection."""

import pytest
from django.db import OperationalError

from documents.models import Document
from documents.services import LineInput, document_create, document_post
from inventory.exceptions import InsufficientStock, SerialInStock
from inventory.models import Quant
from inventory.selectors import stock_mismatches
from tests.concurrency import lock_quants_in_random_order, run_concurrently
from tests.factories import ProductFactory, WarehouseFactory
from tests.support.stock import total
from warehouses.services import location_create

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def draft(doc_type, warehouse, lines, destination=None):
    return document_create(
        doc_type=doc_type,
        warehouse_id=warehouse.pk,
        destination_warehouse_id=destination.pk if destination else None,
        lines=lines,
    )


def posting(document):
    return lambda: document_post(document_id=document.pk)


def test_shipments_racing_for_the_last_units_of_a_lot_over_several_shelves():
    warehouse = WarehouseFactory()
    product = ProductFactory(tracking="lot")
    shelves = [location_create(warehouse_id=warehouse.pk, code=f"S{i}") for i in range(3)]
    document_post(
        document_id=draft(
            "receipt",
            warehouse,
            [LineInput(product.pk, 2, location_id=s.pk, lot="LAST") for s in shelves]
            + [LineInput(product.pk, 50, lot="OTHER")],
        ).pk
    )
    shipments = [
        draft("shipment", warehouse, [LineInput(product.pk, 2, lot="LAST")]) for _ in range(8)
    ]

    results = run_concurrently([posting(s) for s in shipments])

    posted = [r for r in results if isinstance(r, Document)]
    refused = [r for r in results if isinstance(r, InsufficientStock)]
    print(f"\n8 shipments of 2 against 6 of one lot on 3 shelves: {len(posted)} posted")
    assert (len(posted), len(refused)) == (3, 5)
    assert not Quant.objects.filter(lot__code="LAST", quantity__gt=0).exists()
    assert total(product) == 50
    assert stock_mismatches() == []


def _opposite_orders_workload():
    """Documents over the same quants of two warehouses in opposite line orders."""
    warehouses = WarehouseFactory.create_batch(2)
    products = ProductFactory.create_batch(4, tracking="lot")
    places = {
        w.pk: [location_create(warehouse_id=w.pk, code=f"S{i}").pk for i in range(2)]
        for w in warehouses
    }
    for w in warehouses:
        document_post(
            document_id=draft(
                "receipt",
                w,
                [
                    LineInput(p.pk, 10_000, location_id=loc, lot=f"L{i}")
                    for p in products
                    for i, loc in enumerate(places[w.pk])
                ],
            ).pk
        )
    calls = []
    for i in range(6):
        for n, w in enumerate(warehouses):
            other = warehouses[1 - n]
            order = products if i % 2 else list(reversed(products))
            calls.append(posting(draft("shipment", w, [LineInput(p.pk, 3) for p in order])))
            calls.append(
                posting(
                    draft(
                        "adjustment",
                        w,
                        [
                            LineInput(p.pk, 1, location_id=places[w.pk][1], lot="L1")
                            for p in reversed(order)
                        ],
                    )
                )
            )
            calls.append(posting(draft("transfer", w, [LineInput(p.pk, 2) for p in order], other)))
    return calls, products


def _run(calls):
    results = []
    for start in range(0, len(calls), 6):
        results += run_concurrently(calls[start : start + 6])
    return results


def test_opposite_line_orders_across_two_warehouses_never_deadlock():
    calls, products = _opposite_orders_workload()
    results = _run(calls)
    failures = [r for r in results if not isinstance(r, Document)]
    print(f"\n{len(results)} postings in opposite line orders: {len(failures)} failed")
    assert failures == []
    for p in products:
        assert total(p) == 2 * 2 * 10_000 - 2 * 6 * 3 + 2 * 6 * 1
    assert stock_mismatches() == []


def test_with_the_lock_order_randomised_the_same_workload_deadlocks(monkeypatch):
    """Proof that the test above can fail: lock the quants one by one in a random order
    before the engine's own ordered lock, and PostgreSQL finds deadlocks."""
    calls, _ = _opposite_orders_workload()
    lock_quants_in_random_order(monkeypatch)
    results = _run(calls)
    deadlocks = [r for r in results if isinstance(r, OperationalError) and "deadlock" in str(r)]
    print(f"\nrandomised lock order: {len(deadlocks)} of {len(results)} postings deadlocked")
    assert deadlocks


def test_two_first_receipts_into_a_new_quant_make_one_quant():
    warehouse = WarehouseFactory()
    product = ProductFactory(tracking="lot")
    shelf = location_create(warehouse_id=warehouse.pk, code="NEW")
    receipts = [
        draft("receipt", warehouse, [LineInput(product.pk, 5, location_id=shelf.pk, lot="N1")])
        for _ in range(8)
    ]

    results = run_concurrently([posting(r) for r in receipts])

    assert all(isinstance(r, Document) for r in results), results
    assert list(Quant.objects.filter(product=product).values_list("quantity", flat=True)) == [40]
    assert stock_mismatches() == []


def test_the_same_serial_received_twice_at_once_is_in_stock_once():
    warehouse = WarehouseFactory()
    phone = ProductFactory(tracking="serial")
    shelves = [location_create(warehouse_id=warehouse.pk, code=f"S{i}") for i in range(2)]
    receipts = [
        draft("receipt", warehouse, [LineInput(phone.pk, 1, location_id=s.pk, lot="SN-42")])
        for s in shelves
    ]

    results = run_concurrently([posting(r) for r in receipts])

    assert sum(isinstance(r, Document) for r in results) == 1
    assert sum(isinstance(r, SerialInStock) for r in results) == 1, results
    # The refused receipt's new quant went with its rollback.
    assert list(Quant.objects.filter(product=phone).values_list("quantity", flat=True)) == [1]
    assert total(phone) == 1
    assert stock_mismatches() == []
