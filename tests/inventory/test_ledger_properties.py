"""Random sequences of every operation keep stock, ledger and totals in agreement.

An in-memory model says what each operation must do; after every step the database must match it,
the ledger must sum to the stock, the totals must sum the stock rows, and nothing may be negative.
"""

from collections import defaultdict

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from documents.services import LineInput, document_cancel, document_create, document_post
from inventory.exceptions import InsufficientStock
from inventory.models import Inventory, WarehouseInventory
from inventory.selectors import stock_mismatches
from tests.factories import ProductFactory, WarehouseFactory

WAREHOUSES, PRODUCTS = 3, 4

products_lines = st.lists(st.integers(0, PRODUCTS - 1), min_size=1, max_size=3, unique=True)
positive = st.integers(1, 30)


@st.composite
def operation(draw):
    kind = draw(
        st.sampled_from(["receipt", "shipment", "transfer", "adjustment", "count", "cancel"])
    )
    if kind == "cancel":
        return ("cancel", draw(st.integers(0, 50)))
    warehouse = draw(st.integers(0, WAREHOUSES - 1))
    destination = None
    if kind == "transfer":
        destination = draw(st.integers(0, WAREHOUSES - 1).filter(lambda w: w != warehouse))
    if kind == "adjustment":
        quantity = st.integers(-30, 30).filter(bool)
    elif kind == "count":
        quantity = st.integers(0, 30)
    else:
        quantity = positive
    lines = [(p, draw(quantity)) for p in draw(products_lines)]
    return (kind, warehouse, destination, lines)


def deltas_of(kind, warehouse, destination, lines, model):
    deltas = {}
    for p, q in lines:
        if kind == "receipt":
            deltas[(warehouse, p)] = q
        elif kind == "shipment":
            deltas[(warehouse, p)] = -q
        elif kind == "transfer":
            deltas[(warehouse, p)] = -q
            deltas[(destination, p)] = q
        elif kind == "adjustment":
            deltas[(warehouse, p)] = q
        else:
            deltas[(warehouse, p)] = q - model[(warehouse, p)]
    return {k: d for k, d in deltas.items() if d}


def check(model, warehouses, products):
    assert stock_mismatches() == []
    actual = {
        (w, p): q
        for w, p, q in WarehouseInventory.objects.values_list("warehouse", "product", "quantity")
    }
    for (w, p), q in model.items():
        assert actual.get((warehouses[w].pk, products[p].pk), 0) == q
    totals = dict(Inventory.objects.values_list("product", "quantity"))
    for i, product in enumerate(products):
        assert totals.get(product.pk, 0) == sum(model[(w, i)] for w in range(WAREHOUSES))


@pytest.mark.django_db
@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(operations=st.lists(operation(), min_size=1, max_size=20))
def test_random_operations_keep_stock_ledger_and_totals_in_agreement(operations):
    with transaction.atomic():
        warehouses = WarehouseFactory.create_batch(WAREHOUSES)
        products = ProductFactory.create_batch(PRODUCTS)
        model: dict[tuple[int, int], int] = defaultdict(int)
        posted: list[tuple[int, dict]] = []  # (document id, deltas it applied)

        for op in operations:
            if op[0] == "cancel":
                if not posted:
                    continue
                document_id, deltas = posted[op[1] % len(posted)]
                short = any(model[k] - d < 0 for k, d in deltas.items())
                if short:
                    with pytest.raises(InsufficientStock):
                        document_cancel(document_id=document_id)
                else:
                    document_cancel(document_id=document_id)
                    for k, d in deltas.items():
                        model[k] -= d
                    posted.remove((document_id, deltas))
            else:
                kind, w, dest, lines = op
                document = document_create(
                    doc_type=kind,
                    warehouse_id=warehouses[w].pk,
                    destination_warehouse_id=warehouses[dest].pk if dest is not None else None,
                    lines=[LineInput(products[p].pk, q) for p, q in lines],
                )
                deltas = deltas_of(kind, w, dest, lines, model)
                if any(model[k] + d < 0 for k, d in deltas.items()):
                    with pytest.raises(InsufficientStock):
                        document_post(document_id=document.pk)
                else:
                    document_post(document_id=document.pk)
                    for k, d in deltas.items():
                        model[k] += d
                    posted.append((document.pk, deltas))
            check(model, warehouses, products)
        transaction.set_rollback(True)
