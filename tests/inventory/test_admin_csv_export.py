import csv
import io
import re

import pytest
from django.urls import reverse

from inventory.models import Product
from tests.factories import ProductFactory
from tests.support.documents import post

pytestmark = pytest.mark.django_db


def export(client, model, query=""):
    response = client.get(reverse(f"admin:inventory_{model}_export") + query)
    assert response.status_code == 200
    assert response.streaming
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith("attachment; filename=")
    text = b"".join(response.streaming_content).decode()
    return list(csv.reader(io.StringIO(text)))


def test_stock_export_follows_the_lists_filters(clerk_client, warehouse, other_warehouse):
    wrap, tape = ProductFactory(sku="WRAP", name="Pallet wrap"), ProductFactory(sku="TAPE")
    post("receipt", warehouse, [(wrap, 5), (tape, 2)])
    post("receipt", other_warehouse, [(wrap, 1)])

    changelist = clerk_client.get(
        reverse("admin:inventory_warehouseinventory_changelist")
        + f"?warehouse__id__exact={warehouse.pk}"
    ).content.decode()
    link = reverse("admin:inventory_warehouseinventory_export") + (
        f"?warehouse__id__exact={warehouse.pk}"
    )
    assert f'href="{link}"' in changelist

    table = export(clerk_client, "warehouseinventory", f"?warehouse__id__exact={warehouse.pk}")

    assert table[0] == ["warehouse", "sku", "name", "unit", "quantity", "updated_at"]
    # In the list's order: (warehouse, product) by id, the order of their unique index.
    assert [row[:5] for row in table[1:]] == [
        [warehouse.code, "WRAP", "Pallet wrap", "piece", "5"],
        [warehouse.code, "TAPE", tape.name, "piece", "2"],
    ]
    assert export(clerk_client, "warehouseinventory", "?q=tape")[1][1] == "TAPE"


def test_totals_and_movements_export(clerk_client, warehouse, product):
    receipt = post("receipt", warehouse, [(product, 5)])
    shipment = post("shipment", warehouse, [(product, 2)])

    totals = export(clerk_client, "inventory")
    assert totals[1][:4] == [product.sku, product.name, "piece", "3"]

    movements = export(clerk_client, "stockmovement")
    assert movements[0] == [
        "id",
        "created_at",
        "document",
        "doc_type",
        "warehouse",
        "sku",
        "quantity",
        "is_reversal",
    ]
    assert [(r[2], r[3], r[6], r[7]) for r in movements[1:]] == [
        (shipment.number, "shipment", "-2", "false"),
        (receipt.number, "receipt", "5", "false"),
    ]
    only = export(clerk_client, "stockmovement", "?document__doc_type__exact=receipt")
    assert [r[2] for r in only[1:]] == [receipt.number]


def test_text_that_a_spreadsheet_would_run_as_a_formula_is_defused(clerk_client, warehouse):
    product = ProductFactory(sku="=HYPERLINK(1)", name="@SUM(A1)")
    post("receipt", warehouse, [(product, 1)])
    row = export(clerk_client, "inventory")[1]
    assert row[:2] == ["'=HYPERLINK(1)", "'@SUM(A1)"]


def test_an_unknown_filter_is_a_bad_request(clerk_client):
    response = clerk_client.get(reverse("admin:inventory_inventory_export") + "?nope=1")
    assert response.status_code == 400


def test_export_needs_a_staff_login(client):
    response = client.get(reverse("admin:inventory_inventory_export"))
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_times_are_local_to_the_second_with_their_offset(
    clerk_client, warehouse, product, settings
):
    settings.TIME_ZONE = "Europe/Amsterdam"
    post("receipt", warehouse, [(product, 5)])
    created = export(clerk_client, "stockmovement")[1][1]
    assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\+0[12]:00", created), created


def test_an_exported_file_imports_back(clerk_client, warehouse):
    from inventory.services import products_import

    ProductFactory(sku="BOX", unit="box")
    post("receipt", warehouse, [(Product.objects.get(sku="BOX"), 1)])
    rows = export(clerk_client, "inventory")
    text = "sku,name,unit\n" + "".join(f"{r[0]},{r[1]},{r[2]}\n" for r in rows[1:])
    result = products_import(lines=text.splitlines(keepends=True), dry_run=True)
    assert result.ok and result.count("unchanged") == 1
