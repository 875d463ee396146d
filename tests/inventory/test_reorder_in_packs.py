"""Reorder points that order in whole cases: rounded up to whole packs of the point's
packaging, never down (so never below the minimum), shown in packs, drafted in packs."""

import pytest
from django.db import IntegrityError, connection, transaction
from django.urls import reverse

from documents.models import Document
from inventory.models import Packaging, ReorderPoint
from inventory.quantities import MAX_QUANTITY
from inventory.selectors import reorder_point_list
from tests.factories import ProductFactory
from tests.support.database import postgres_only
from tests.support.documents import post

pytestmark = pytest.mark.django_db

URL = "/api/v1/reorder-points/"
REPLENISH = "/api/v1/documents/replenish/"


@pytest.fixture
def water(warehouse):
    product = ProductFactory(sku="WATER")
    Packaging.objects.create(product=product, code="case", quantity=12)
    Packaging.objects.create(product=product, code="pallet", quantity=480, can_receive=False)
    return product


def _point(manager_api, warehouse, product, low, high, packaging="case"):
    response = manager_api.post(
        URL,
        {
            "warehouse": warehouse.pk,
            "product": product.pk,
            "min_quantity": low,
            "target_quantity": high,
            "packaging": packaging,
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    return response.json()


@pytest.mark.parametrize(
    "available, to_order, packs",
    [
        (4, 24, 2),  # 16 missing: two cases, not one (one would leave 16, under the target)
        (8, 12, 1),  # exactly one case
        (0, 24, 2),  # never in stock
    ],
)
def test_to_order_is_rounded_up_to_whole_cases(
    manager_api, warehouse, water, available, to_order, packs
):
    if available:
        post("receipt", warehouse, [(water, available)])
    body = _point(manager_api, warehouse, water, 10, 20)
    assert (body["packaging"], body["to_order"], body["to_order_packs"]) == (
        "case",
        to_order,
        packs,
    )
    assert body["available"] + body["to_order"] >= body["target_quantity"]


def test_without_a_packaging_the_order_is_exact(manager_api, warehouse, water):
    post("receipt", warehouse, [(water, 12)])
    body = _point(manager_api, warehouse, water, 15, 20, packaging=None)
    assert (body["packaging"], body["to_order"], body["to_order_packs"]) == (None, 8, None)


def test_a_packaging_of_another_product_is_a_400(manager_api, warehouse, water):
    other = ProductFactory(sku="OTHER")
    response = manager_api.post(
        URL,
        {
            "warehouse": warehouse.pk,
            "product": other.pk,
            "min_quantity": 1,
            "target_quantity": 2,
            "packaging": "case",
        },
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["errors"]["packaging"] == [
        "OTHER has no packaging 'case' (it has: none)."
    ]
    assert not ReorderPoint.objects.exists()


def test_a_patch_sets_and_clears_the_packaging(manager_api, warehouse, water):
    body = _point(manager_api, warehouse, water, 5, 20, packaging=None)
    url = f"{URL}{body['id']}/"
    assert manager_api.patch(url, {"packaging": "case"}, format="json").json()["to_order"] == 24
    assert manager_api.patch(url, {"packaging": "crate"}, format="json").status_code == 400
    cleared = manager_api.patch(url, {"packaging": None}, format="json").json()
    assert (cleared["packaging"], cleared["to_order"]) == (None, 20)


def test_replenishing_drafts_whole_cases(manager_api, warehouse, water):
    post("receipt", warehouse, [(water, 12)])
    water.receive_whole_packs = True
    water.save()
    point = _point(manager_api, warehouse, water, 15, 30)
    response = manager_api.post(REPLENISH, {"points": [point["id"]]}, format="json")
    assert response.status_code == 201, response.json()
    (line,) = response.json()["documents"][0]["lines"]
    # 18 missing: two cases; the product is received in whole packs, so one less would be
    # refused and the exact 18 too.
    assert (line["packaging"], line["packaging_quantity"], line["quantity"]) == ("case", 2, 24)


def test_a_target_near_the_largest_number_is_left_unrounded(warehouse, water):
    ReorderPoint.objects.create(
        warehouse=warehouse,
        product=water,
        min_quantity=MAX_QUANTITY,
        target_quantity=MAX_QUANTITY,
        packaging=water.packagings.get(code="pallet"),
    )
    # Whole pallets past the largest number would not fit a bigint: the exact figure instead.
    assert reorder_point_list().get().to_order == MAX_QUANTITY


def test_the_replenish_screen_and_the_list_say_the_packs(manager_client, warehouse, water):
    ReorderPoint.objects.create(
        warehouse=warehouse,
        product=water,
        min_quantity=5,
        target_quantity=20,
        packaging=water.packagings.get(code="case"),
    )
    page = manager_client.get(reverse("admin:documents_document_replenish")).content.decode()
    assert '24 <span class="packs">(2 case)</span>' in page
    listed = manager_client.get(reverse("admin:inventory_reorderpoint_changelist"))
    assert "24 (2 case)" in listed.content.decode()


def test_the_admin_form_takes_the_packaging_by_code(manager_client, warehouse, water):
    url = reverse("admin:inventory_reorderpoint_add")
    form = {
        "warehouse": warehouse.pk,
        "product": water.pk,
        "min_quantity": 5,
        "target_quantity": 20,
        "pack": "pallet ",
    }
    manager_client.post(url, form)
    assert ReorderPoint.objects.get().packaging.code == "pallet"
    ReorderPoint.objects.all().delete()
    page = manager_client.post(url, {**form, "pack": "crate"}).content.decode()
    assert "WATER has no packaging &#x27;crate&#x27;." in page
    assert not ReorderPoint.objects.exists()


@postgres_only
def test_the_database_refuses_a_packaging_of_another_product(warehouse, water):
    other = ProductFactory(sku="OTHER")
    point = ReorderPoint.objects.create(
        warehouse=warehouse, product=other, min_quantity=1, target_quantity=2
    )
    case = water.packagings.get(code="case")
    with pytest.raises(IntegrityError) as raised, transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE reorder_points SET packaging_id = %s WHERE id = %s", [case.pk, point.pk]
            )
    assert "fk_reorder_points_packaging_of_product" in str(raised.value)
    assert not Document.objects.exists()
