import pytest
from django.core.management import call_command

from documents.models import DocType, Document, Status
from inventory.models import StockMovement
from inventory.selectors import stock_mismatches

pytestmark = pytest.mark.django_db


def test_seed_demo_posts_every_type_and_is_idempotent():
    call_command("seed_demo")
    posted_types = set(
        Document.objects.filter(status=Status.POSTED).values_list("doc_type", flat=True)
    )
    counts = (Document.objects.count(), StockMovement.objects.count())

    call_command("seed_demo")

    assert posted_types == set(DocType.values)
    assert Document.objects.filter(status=Status.RESERVED).count() == 2  # waiting to be picked
    assert (Document.objects.count(), StockMovement.objects.count()) == counts
    assert stock_mismatches() == []


def test_the_demo_has_barcodes_to_scan_and_something_short(clerk_api):
    call_command("seed_demo")
    call_command("seed_demo")
    scanned = clerk_api.get("/api/v1/scan/", {"code": "4006381333900"}).json()
    assert scanned["product"]["sku"] == "SKU-1001"
    short = clerk_api.get("/api/v1/reorder-points/", {"short": "true"}).json()["results"]
    assert len(short) == 1 and short[0]["to_order"] == 150 - 88
    cased = clerk_api.get("/api/v1/reorder-points/", {"short": "false"}).json()["results"]
    assert [(p["packaging"], p["to_order"], p["to_order_packs"]) for p in cased] == [
        ("case", 25, 1)
    ]


def test_the_demo_has_shelves_lots_and_a_reservation_to_show(clerk_api):
    call_command("seed_demo")
    shelf = clerk_api.get("/api/v1/scan/", {"code": "MAIN-A01"}).json()
    assert (shelf["kind"], shelf["location_path"]) == ("location", "MAIN/A/01")
    lot = clerk_api.get("/api/v1/scan/", {"code": "(01)04006381333962(10)OM-0398"}).json()
    assert (lot["product"]["sku"], lot["lot"]) == ("SKU-2001", "OM-0398")
    assert Document.objects.filter(status=Status.RESERVED).count() == 2


def test_the_demo_has_cases_a_pallet_and_a_weighed_product_to_scan(clerk_api):
    call_command("seed_demo")
    call_command("seed_demo")

    def scanned(code):
        body = clerk_api.get("/api/v1/scan/", {"code": code}).json()
        return body["product"]["sku"], body["packaging"], body["quantity"]

    assert scanned("14006381333914") == ("SKU-1002", "case", 25)
    assert scanned("(02)24006381333911(37)2") == ("SKU-1002", "pallet", 2000)
    assert scanned("(01)02000000000015(3103)001250") == ("SKU-3001", None, 1250)
