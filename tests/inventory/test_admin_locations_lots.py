"""The admin's location tree, lots with their expiry filter, stock by location, moved quants."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from documents.services import LineInput, document_create, document_post
from inventory.models import Lot
from tests.factories import NO_PACKAGINGS, ProductFactory
from warehouses.models import Location
from warehouses.services import location_create

pytestmark = pytest.mark.django_db


def test_the_tree_lists_paths_and_a_child_is_added_below_its_parent(manager_client, warehouse):
    aisle = location_create(warehouse_id=warehouse.pk, code="A")
    listing = manager_client.get(reverse("admin:warehouses_location_changelist")).content.decode()
    assert f"{warehouse.code}/A" in listing and f"?parent={aisle.pk}" in listing

    add = reverse("admin:warehouses_location_add")
    form = manager_client.get(f"{add}?parent={aisle.pk}")
    assert form.context["adminform"].form.initial["parent"] == aisle.pk
    response = manager_client.post(
        add,
        {
            "warehouse": warehouse.pk,
            "parent": aisle.pk,
            "code": "07",
            "pick_order": 3,
            "is_active": "on",
            "name": "",
            "barcode": "",
        },
    )
    assert response.status_code == 302
    assert Location.objects.get(code="07").full_path == f"{warehouse.code}/A/07"


def test_a_location_holding_stock_is_not_deactivated(manager_client, warehouse, product):
    shelf = location_create(warehouse_id=warehouse.pk, code="S")
    receipt = document_create(
        doc_type="receipt",
        warehouse_id=warehouse.pk,
        lines=[LineInput(product.pk, 3, location_id=shelf.pk)],
    )
    document_post(document_id=receipt.pk)
    url = reverse("admin:warehouses_location_change", args=[shelf.pk])
    page = manager_client.get(url).content.decode()
    assert product.sku in page  # what it holds
    response = manager_client.post(
        url, {"code": "S", "name": "", "barcode": "", "pick_order": 0}, follow=True
    )
    shown = [str(m) for m in response.context["messages"]]
    assert any("holds stock" in m for m in shown), shown
    assert Location.objects.get(pk=shelf.pk).is_active


def test_lots_expiring_within_n_days_and_stock_by_lot_on_the_product(manager_client, warehouse):
    milk = ProductFactory(tracking="lot")
    today = timezone.localdate()
    receipt = document_create(
        doc_type="receipt",
        warehouse_id=warehouse.pk,
        lines=[
            LineInput(milk.pk, 4, lot="SOON", expires_on=today + datetime.timedelta(days=5)),
            LineInput(milk.pk, 6, lot="LATER", expires_on=today + datetime.timedelta(days=60)),
        ],
    )
    document_post(document_id=receipt.pk)
    lots = reverse("admin:inventory_lot_changelist")
    soon = manager_client.get(f"{lots}?expiring_within=7").content.decode()
    assert "SOON" in soon and "LATER" not in soon
    both = manager_client.get(f"{lots}?expiring_within=90").content.decode()
    assert "SOON" in both and "LATER" in both

    product_page = manager_client.get(
        reverse("admin:inventory_product_change", args=[milk.pk])
    ).content.decode()
    assert "SOON" in product_page and "LATER" in product_page

    document_page = manager_client.get(
        reverse("admin:documents_document_change", args=[receipt.pk])
    ).content.decode()
    assert "field-moved" in document_page and "SOON" in document_page


def test_tracking_cannot_change_once_there_is_stock(manager_client, warehouse, product):
    receipt = document_create(
        doc_type="receipt", warehouse_id=warehouse.pk, lines=[LineInput(product.pk, 1)]
    )
    document_post(document_id=receipt.pk)
    url = reverse("admin:inventory_product_change", args=[product.pk])
    response = manager_client.post(
        url,
        {
            "sku": product.sku,
            "name": product.name,
            "description": "",
            "unit": "pcs",
            "price": "1.00",
            "tracking": "lot",
            "is_active": "on",
            **NO_PACKAGINGS,
        },
    )
    assert "its tracking cannot change" in str(response.context["adminform"].form.errors)


def test_the_admin_refuses_a_lot_for_an_untracked_product_as_the_api_does(
    manager_client, manager_api
):
    plain, tracked = ProductFactory(tracking="none"), ProductFactory(tracking="serial")
    add = reverse("admin:inventory_lot_add")
    refused = manager_client.post(add, {"product": plain.pk, "code": "L1"})
    assert refused.status_code == 200  # the form again, with the error
    assert f"{plain.sku} is not tracked by lot." in refused.content.decode()
    answer = manager_api.post("/api/v1/lots/", {"product": plain.pk, "code": "L1"}, format="json")
    assert answer.status_code == 400
    assert answer.json()["errors"]["product"] == [f"{plain.sku} is not tracked by lot."]
    assert not Lot.objects.filter(product=plain).exists()

    made = manager_client.post(add, {"product": tracked.pk, "code": "S1"})
    assert made.status_code == 302
    assert Lot.objects.get(product=tracked, code="S1").is_serial  # copied from the tracking
    again = manager_client.post(add, {"product": tracked.pk, "code": "S1"})
    assert f"{tracked.sku} already has a lot S1." in again.content.decode()
