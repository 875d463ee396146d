"""Random sequences of every operation, over shelves and lots, agree with an in-memory model.

The model keeps every quant (warehouse, location, product, lot) and chooses what shipments and
transfers take the way the design says: first expiry first, then first in, then path. After
every step the database must hold exactly the model's quants, and reconcile_stock must find the
ledger, its balances, the stock rows and the totals in agreement.
"""

import datetime
from collections import defaultdict

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from documents.services import LineInput, document_cancel, document_create, document_post
from inventory.exceptions import InsufficientStock
from inventory.models import Lot, Quant
from inventory.selectors import stock_mismatches
from tests.factories import ProductFactory, WarehouseFactory
from warehouses.services import location_create

WAREHOUSES, PRODUCTS = 2, 4
TRACKED = {2, 3}  # products tracked by lot; 0 and 1 are not
LOTS = {"A": datetime.date(2027, 1, 31), "B": None}  # lot code: expiry
PLACES = 3  # 0: the default location (path ""), 1: shelf S1, 2: shelf S2

products_lines = st.lists(st.integers(0, PRODUCTS - 1), min_size=1, max_size=3, unique=True)


@st.composite
def operation(draw):
    kind = draw(
        st.sampled_from(["receipt", "shipment", "transfer", "adjustment", "count", "cancel"])
    )
    if kind == "cancel":
        return ("cancel", draw(st.integers(0, 50)))
    warehouse = draw(st.integers(0, WAREHOUSES - 1))
    quantity = {
        "adjustment": st.integers(-20, 20).filter(bool),
        "count": st.integers(0, 20),
    }.get(kind, st.integers(1, 20))
    lines = []
    for p in draw(products_lines):
        place = draw(st.integers(0, PLACES - 1))
        lot = draw(st.sampled_from(sorted(LOTS))) if p in TRACKED else None
        lines.append((p, draw(quantity), place, lot))
    return (kind, warehouse, lines)


class Model:
    def __init__(self, lot_ids):
        self.quants: dict[tuple, int] = defaultdict(int)  # (w, place, p, lot) -> quantity
        self.received: dict[tuple, int] = {}
        self.lot_ids = lot_ids  # (p, code) -> id, for the engine's last tie-break
        self.clock = 0

    def order(self, key):
        w, place, p, lot = key
        expiry = LOTS[lot] if lot else None
        lot_id = self.lot_ids.get((p, lot))
        return (
            expiry is None,
            expiry or datetime.date.max,
            self.received[key],
            place,
            lot_id is None,
            lot_id or 0,
        )

    def effects(self, kind, w, lines):
        """{quant: delta} the document would apply, or None when it must be refused."""
        deltas: dict[tuple, int] = defaultdict(int)
        for p, q, place, lot in lines:
            if kind in ("shipment", "transfer"):
                held = sorted(
                    (k for k, v in self.quants.items() if k[0] == w and k[2] == p and v > 0),
                    key=self.order,
                )
                needed = q
                for key in held:
                    take = min(needed, self.quants[key] + deltas[key])
                    if take <= 0:
                        continue
                    deltas[key] -= take
                    if kind == "transfer":
                        deltas[(1 - w, 0, p, key[3])] += take
                    needed -= take
                if needed:
                    return None
            else:
                key = (w, place, p, lot)
                delta = q - self.quants[key] if kind == "count" else q
                if self.quants[key] + delta < 0:
                    return None
                deltas[key] += delta
        return {k: d for k, d in deltas.items() if d}

    def apply(self, deltas):
        self.clock += 1
        for key, delta in deltas.items():
            if self.quants[key] == 0 and delta > 0:
                self.received[key] = self.clock
            self.quants[key] += delta
            assert self.quants[key] >= 0


def check(model, places, products, lots):
    assert stock_mismatches() == []
    back = {pk: (w, i) for w, row in enumerate(places) for i, pk in enumerate(row)}
    pindex = {p.pk: i for i, p in enumerate(products)}
    codes = {lot.pk: lot.code for lot in lots}
    actual = {
        (*back[loc], pindex[p], codes.get(lot)): q
        for loc, p, lot, q in Quant.objects.filter(quantity__gt=0).values_list(
            "location_id", "product_id", "lot_id", "quantity"
        )
    }
    assert actual == {(w, pl, p, lot): q for (w, pl, p, lot), q in model.quants.items() if q}


@pytest.mark.django_db
@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(operations=st.lists(operation(), min_size=1, max_size=20))
def test_random_operations_agree_with_a_model_of_quants(operations):
    with transaction.atomic():
        warehouses = WarehouseFactory.create_batch(WAREHOUSES)
        products = [
            ProductFactory(tracking="lot" if i in TRACKED else "none") for i in range(PRODUCTS)
        ]
        lots = [
            Lot.objects.create(product=products[p], code=code, expires_on=expires)
            for p in sorted(TRACKED)
            for code, expires in sorted(LOTS.items())
        ]
        model = Model({(products.index(lot.product), lot.code): lot.pk for lot in lots})
        places = [
            [w.default_location.pk]
            + [location_create(warehouse_id=w.pk, code=f"S{i}").pk for i in (1, 2)]
            for w in warehouses
        ]
        posted: list[tuple[int, dict]] = []

        for op in operations:
            if op[0] == "cancel":
                if not posted:
                    continue
                document_id, deltas = posted[op[1] % len(posted)]
                reverse = {k: -d for k, d in deltas.items()}
                if any(model.quants[k] + d < 0 for k, d in reverse.items()):
                    with pytest.raises(InsufficientStock):
                        document_cancel(document_id=document_id)
                else:
                    document_cancel(document_id=document_id)
                    model.apply(reverse)
                    posted.remove((document_id, deltas))
            else:
                kind, w, lines = op
                takes = kind in ("shipment", "transfer")
                document = document_create(
                    doc_type=kind,
                    warehouse_id=warehouses[w].pk,
                    destination_warehouse_id=warehouses[1 - w].pk if kind == "transfer" else None,
                    lines=[
                        LineInput(
                            products[p].pk,
                            q,
                            location_id=None if takes else places[w][place],
                            lot=None if takes else lot,
                        )
                        for p, q, place, lot in lines
                    ],
                )
                deltas = model.effects(kind, w, lines)
                if deltas is None:
                    with pytest.raises(InsufficientStock):
                        document_post(document_id=document.pk)
                else:
                    document_post(document_id=document.pk)
                    model.apply(deltas)
                    posted.append((document.pk, deltas))
            check(model, places, products, lots)
        transaction.set_rollback(True)
