"""Papers say quantities in packs, largest first: "2 case + 5 pcs"; weights in their unit."""

import pytest
from django.urls import reverse

from documents.services import document_reserve, pick_list_create
from inventory.models import Packaging
from tests.factories import ProductFactory
from tests.support.documents import make_document, post

pytestmark = pytest.mark.django_db


@pytest.fixture
def goods(warehouse):
    water = ProductFactory(sku="WATER")
    Packaging.objects.create(product=water, code="case", quantity=12)
    Packaging.objects.create(product=water, code="pallet", quantity=480, can_ship=False)
    gouda = ProductFactory(sku="GOUDA", unit="kg", decimals=3)
    pen = ProductFactory(sku="PEN")
    post("receipt", warehouse, [(water, 1000), (gouda, 5000), (pen, 10)])
    return water, gouda, pen


def test_a_delivery_note_says_cases_and_pieces(clerk_client, warehouse, goods):
    water, gouda, pen = goods
    shipment = make_document("shipment", warehouse, [(water, 509), (gouda, 1250), (pen, 3)])
    url = reverse("admin:documents_document_paper", args=[shipment.pk])
    page = clerk_client.get(url).content.decode()
    # The pallet may not ship: a delivery note breaks into cases only.
    assert '<div class="packs">42 case + 5 pcs</div>' in page
    assert '<div class="packs">1.250 kg</div>' in page
    assert page.count('class="packs"') == 2  # pens are just pieces


def test_a_receipt_paper_uses_every_packaging(manager_client, warehouse, goods):
    water, _, _ = goods
    receipt = make_document("receipt", warehouse, [(water, 509)])
    url = reverse("admin:documents_document_paper", args=[receipt.pk])
    page = manager_client.get(url).content.decode()
    assert '<div class="packs">1 pallet + 2 case + 5 pcs</div>' in page


def test_a_pick_list_says_cases_and_pieces(clerk_client, clerk, warehouse, goods):
    water, _, _ = goods
    shipment = make_document("shipment", warehouse, [(water, 29)])
    document_reserve(document_id=shipment.pk)
    pick_list = pick_list_create(document_ids=[shipment.pk], user=clerk)
    page = clerk_client.get(
        reverse("admin:documents_picklist_print", args=[pick_list.pk])
    ).content.decode()
    assert '<div class="packs">2 case + 5 pcs</div>' in page


def test_the_pick_list_api_says_cases_and_pieces_as_the_paper_does(
    clerk_api, clerk, warehouse, goods
):
    water, gouda, pen = goods
    shipment = make_document("shipment", warehouse, [(water, 509), (gouda, 1250), (pen, 3)])
    document_reserve(document_id=shipment.pk)
    pick_list = pick_list_create(document_ids=[shipment.pk], user=clerk)
    tasks = clerk_api.get(f"/api/v1/pick-lists/{pick_list.pk}/").json()["tasks"]
    packs = {task["sku"]: (task["quantity"], task["packs"]) for task in tasks}
    # The pallet may not ship: tasks break into cases only, as the delivery note does.
    assert packs == {
        "WATER": (509, "42 case + 5 pcs"),
        "GOUDA": (1250, "1.250 kg"),
        "PEN": (3, None),
    }


def test_the_phone_says_the_packs_too(clerk_client, clerk, warehouse, goods):
    water, _, _ = goods
    shipment = make_document("shipment", warehouse, [(water, 29)])
    document_reserve(document_id=shipment.pk)
    pick_list = pick_list_create(document_ids=[shipment.pk], user=clerk)
    page = clerk_client.get(reverse("admin:documents_picklist_phone", args=[pick_list.pk]))
    assert '"packs": "2 case + 5 pcs"' in page.content.decode()
