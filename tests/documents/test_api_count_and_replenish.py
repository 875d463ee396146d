"""Starting a count and replenishing over the API: the same services as the admin's screens,
with the same rules and answers."""

import pytest

from documents.models import DocType, Document, Status
from inventory.models import ReorderPoint
from tests.factories import ProductFactory, WarehouseFactory
from tests.support.documents import post
from warehouses.services import location_create

pytestmark = pytest.mark.django_db

START = "/api/v1/documents/start-count/"
REPLENISH = "/api/v1/documents/replenish/"


def test_a_count_starts_over_the_api_at_book_quantities_or_blind(manager_api):
    main = WarehouseFactory(code="MAIN")
    shelf = location_create(warehouse_id=main.pk, code="A")
    pen, cup = ProductFactory(sku="PEN"), ProductFactory(sku="CUP")
    post("receipt", main, [(pen, 7), (cup, 3)])
    answer = manager_api.post(START, {"warehouse": main.pk}, format="json")
    assert answer.status_code == 201
    body = answer.json()
    assert (body["doc_type"], body["status"], body["reference"]) == (
        "count",
        "draft",
        "Count of MAIN",
    )
    assert sorted(line["quantity"] for line in body["lines"]) == [3, 7]

    blind = manager_api.post(START, {"location": shelf.pk, "blind": True}, format="json")
    assert blind.status_code == 400  # nothing is on the shelf
    assert blind.json()["errors"]["location"] == ["MAIN/A has nothing in stock to count."]
    again = manager_api.post(START, {"warehouse": main.pk, "blind": True}, format="json")
    assert [line["quantity"] for line in again.json()["lines"]] == [0, 0]


def test_a_count_that_cannot_start_is_a_400_and_a_clerk_gets_403(manager_api, clerk_api):
    main, east = WarehouseFactory(code="MAIN"), WarehouseFactory(code="EAST")
    shelf = location_create(warehouse_id=main.pk, code="B")
    for data, field, error in [
        ({}, "warehouse", "Choose a warehouse, or name a location."),
        ({"location": shelf.pk, "warehouse": east.pk}, "location", "MAIN/B is not in EAST."),
        ({"warehouse": 10**12}, "warehouse", f"No active warehouse has the id {10**12}."),
    ]:
        answer = manager_api.post(START, data, format="json")
        assert answer.status_code == 400 and answer.json()["errors"][field] == [error]
    assert clerk_api.post(START, {"warehouse": main.pk}, format="json").status_code == 403
    assert not Document.objects.exists()


def test_replenishing_over_the_api_drafts_receipts_or_transfers(manager_api):
    main, east, hub = (WarehouseFactory(code=c) for c in ("MAIN", "EAST", "HUB"))
    pen, cup = ProductFactory(sku="PEN"), ProductFactory(sku="CUP")
    post("receipt", main, [(pen, 2)])
    post("receipt", hub, [(pen, 100), (cup, 4)])
    short = [
        ReorderPoint.objects.create(warehouse=w, product=p, min_quantity=5, target_quantity=20)
        for w, p in ((main, pen), (main, cup), (east, pen))
    ]
    full = ReorderPoint.objects.create(
        warehouse=hub, product=pen, min_quantity=5, target_quantity=10
    )
    ids = [p.pk for p in short]
    receipts = manager_api.post(
        REPLENISH, {"points": [*ids, full.pk], "reference": "PO-1"}, format="json"
    )
    assert receipts.status_code == 201
    body = receipts.json()
    assert [(d["doc_type"], d["warehouse"], d["reference"]) for d in body["documents"]] == [
        ("receipt", main.pk, "PO-1"),
        ("receipt", east.pk, "PO-1"),
    ]
    assert body["skipped"] == [f"Reorder point {full.pk} is not below its minimum."]
    Document.objects.filter(status=Status.DRAFT).delete()

    transfers = manager_api.post(
        REPLENISH, {"points": ids, "mode": "transfer", "source": hub.pk}, format="json"
    ).json()
    assert [(d["doc_type"], d["destination_warehouse"]) for d in transfers["documents"]] == [
        ("transfer", main.pk),
        ("transfer", east.pk),
    ]
    assert transfers["skipped"] == ["CUP for MAIN: HUB has 4, 20 are needed."]
    assert Document.objects.filter(doc_type=DocType.TRANSFER).count() == 2


def test_replenishing_without_a_source_or_points_is_a_400(manager_api, clerk_api):
    refused = manager_api.post(REPLENISH, {"points": [1], "mode": "transfer"}, format="json")
    assert refused.status_code == 400
    assert refused.json()["errors"]["source"] == ["Choose the warehouse the transfers come from."]
    assert manager_api.post(REPLENISH, {"points": []}, format="json").status_code == 400
    nothing_short = clerk_api.post(REPLENISH, {"points": [1]}, format="json")  # clerks receive
    assert (nothing_short.status_code, nothing_short.json()) == (
        201,
        {"documents": [], "skipped": ["Reorder point 1 is not below its minimum."]},
    )
    assert not Document.objects.exists()
