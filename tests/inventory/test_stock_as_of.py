"""Stock as of a past instant, read from balance_after, equals a full replay of the ledger."""

import random
from collections import defaultdict

import pytest
from django.utils import timezone

from documents.services import LineInput, document_cancel, document_create, document_post
from inventory.exceptions import InsufficientStock
from inventory.models import StockMovement
from inventory.selectors import quant_list, stock_as_of, stock_list
from tests.factories import ProductFactory, WarehouseFactory
from tests.support.users import api_client, user_with
from warehouses.services import location_create

pytestmark = pytest.mark.django_db


def replay(moment):
    """Every quant's quantity at ``moment`` by summing the whole ledger up to it."""
    quants, stock = defaultdict(int), defaultdict(int)
    for quant, warehouse, product, quantity in StockMovement.objects.filter(
        created_at__lte=moment
    ).values_list("quant_id", "warehouse_id", "product_id", "quantity"):
        quants[quant] += quantity
        stock[(warehouse, product)] += quantity
    return {k: v for k, v in quants.items() if v}, dict(stock)


def test_as_of_every_instant_equals_a_replay_of_the_ledger():
    rng = random.Random(7)
    warehouses = WarehouseFactory.create_batch(2)
    products = ProductFactory.create_batch(2, tracking="lot")
    shelves = [location_create(warehouse_id=w.pk, code="S").pk for w in warehouses]
    instants, posted = [timezone.now()], []
    for _ in range(30):
        w = rng.randrange(2)
        kind = rng.choice(["receipt", "receipt", "shipment", "transfer", "cancel"])
        try:
            if kind == "cancel" and posted:
                document_cancel(document_id=posted.pop(rng.randrange(len(posted))))
            elif kind != "cancel":
                lines = [
                    LineInput(
                        p.pk,
                        rng.randint(1, 9),
                        location_id=rng.choice([None, shelves[w]]) if kind == "receipt" else None,
                        lot=rng.choice(["A", "B"]) if kind == "receipt" else None,
                    )
                    for p in products
                ]
                document = document_create(
                    doc_type=kind,
                    warehouse_id=warehouses[w].pk,
                    destination_warehouse_id=warehouses[1 - w].pk if kind == "transfer" else None,
                    lines=lines,
                )
                document_post(document_id=document.pk)
                posted.append(document.pk)
        except InsufficientStock:
            pass
        instants.append(timezone.now())

    assert StockMovement.objects.count() > 30
    for moment in instants:
        quants, stock = replay(moment)
        assert {q.pk: q.shown_quantity for q in quant_list(as_of=moment)} == quants
        then = {
            (r.warehouse_id, r.product_id): r.shown_quantity
            for r in stock_as_of(stock_list(), moment)
        }
        assert {k: v for k, v in then.items() if v} == {k: v for k, v in stock.items() if v}
    # The last instant is now.
    assert {q.pk: q.quantity for q in quant_list()} == replay(instants[-1])[0]


def test_the_api_answers_as_of_on_quants_and_stock(warehouse, product):
    client = api_client(user_with(groups=["Warehouse clerk"]))
    receipt = document_create(
        doc_type="receipt", warehouse_id=warehouse.pk, lines=[LineInput(product.pk, 5)]
    )
    document_post(document_id=receipt.pk)
    between = timezone.now()
    shipment = document_create(
        doc_type="shipment", warehouse_id=warehouse.pk, lines=[LineInput(product.pk, 5)]
    )
    document_post(document_id=shipment.pk)

    now = client.get("/api/v1/quants/").json()["results"]
    assert now == []  # rows holding nothing are left out
    then = client.get("/api/v1/quants/", {"as_of": between.isoformat()}).json()["results"]
    assert [(r["quantity"], r["reserved"], r["available"]) for r in then] == [(5, None, None)]
    stock = client.get("/api/v1/stock/", {"as_of": between.isoformat()}).json()["results"]
    assert [(r["quantity"], r["reserved"]) for r in stock] == [(5, None)]
    response = client.get("/api/v1/quants/", {"as_of": "yesterday"})
    assert response.status_code == 400 and "as_of" in response.json()["errors"]
    for url in ("/api/v1/quants/", "/api/v1/stock/"):
        response = client.get(url, {"as_of": ""})
        assert response.status_code == 400
        assert response.json()["errors"]["as_of"] == ["Must not be empty."]


def test_quants_within_a_location_keep_to_its_subtree_and_warehouse(warehouse, other_warehouse):
    """?within= also matches the quants' own warehouse (what lets the planner walk one
    warehouse's quants in location order): the same path in another warehouse stays out."""
    client = api_client(user_with(groups=["Warehouse clerk"]))
    product = ProductFactory()
    zones = {}
    for place in (warehouse, other_warehouse):
        zone = location_create(warehouse_id=place.pk, code="Z1")
        shelf = location_create(parent_id=zone.pk, code="S1")
        aside = location_create(warehouse_id=place.pk, code="Z2")
        for where in (shelf, aside):
            receipt = document_create(
                doc_type="receipt",
                warehouse_id=place.pk,
                lines=[LineInput(product.pk, 3, location_id=where.pk)],
            )
            document_post(document_id=receipt.pk)
        zones[place.pk] = (zone, shelf)
    zone, shelf = zones[warehouse.pk]
    rows = client.get("/api/v1/quants/", {"within": zone.pk}).json()["results"]
    assert [(r["warehouse"], r["location"]) for r in rows] == [(warehouse.pk, shelf.pk)]
