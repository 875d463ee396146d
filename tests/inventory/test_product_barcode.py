"""Product barcodes: GTINs checked and stored as 14 digits, unique in every spelling."""

import re

import pytest
from django.db import IntegrityError, connection, transaction

from inventory.models import Product
from inventory.services import products_import
from tests.factories import NO_PACKAGINGS, ProductFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/products/"
EAN13 = "4006381333931"
GTIN14 = "04006381333931"


def test_a_gtin_13_is_stored_as_its_14_digits(manager_api):
    response = manager_api.post(URL, {"sku": "PEN", "name": "Pen", "barcode": EAN13})
    assert response.status_code == 201, response.json()
    assert response.json()["barcode"] == GTIN14
    assert Product.objects.get(sku="PEN").barcode == GTIN14


@pytest.mark.parametrize("code", ["4006381333932", "12345679", "012345678906", "04006381333932"])
def test_a_gtin_with_a_wrong_check_digit_is_refused(manager_api, code):
    response = manager_api.post(URL, {"sku": "PEN", "name": "Pen", "barcode": code})
    assert response.status_code == 400
    assert "check digit" in response.json()["errors"]["barcode"][0]
    assert not Product.objects.exists()


@pytest.mark.parametrize("code", ["12345670", "012345678905", "04006381333931", "INT-0042", "123"])
def test_valid_gtins_and_other_codes_are_kept(manager_api, code):
    response = manager_api.post(URL, {"sku": "PEN", "name": "Pen", "barcode": code})
    assert response.status_code == 201, response.json()


def test_the_same_gtin_in_another_spelling_is_a_duplicate(manager_api):
    ProductFactory(barcode=GTIN14)
    response = manager_api.post(URL, {"sku": "PEN", "name": "Pen", "barcode": EAN13})
    assert response.status_code == 409
    assert response.json()["code"] == "already_exists"
    assert response.json()["errors"]["barcode"] == ["Another product has it."]


def test_an_empty_barcode_is_none_and_many_products_have_none(manager_api):
    for sku in ("A", "B"):
        response = manager_api.post(URL, {"sku": sku, "name": sku, "barcode": ""})
        assert response.status_code == 201
        assert response.json()["barcode"] is None


def test_the_database_refuses_duplicate_and_empty_barcodes():
    ProductFactory(barcode=GTIN14)
    other = ProductFactory()
    for value, name in (
        (GTIN14, "uq_products_barcode"),
        ("", "check_products_barcode_not_empty"),
        (EAN13, "check_products_barcode_gtin_14"),
        ("12345670", "check_products_barcode_gtin_14"),
    ):
        with pytest.raises(IntegrityError) as error, transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("UPDATE products SET barcode = %s WHERE id = %s", [value, other.pk])
        assert name in str(error.value) or connection.vendor == "sqlite"


def test_the_admin_form_normalises_and_checks(manager_client):
    ProductFactory(sku="OLD", barcode=GTIN14)
    data = {
        "sku": "PEN",
        "name": "Pen",
        "unit": "pcs",
        "price": "1.00",
        "tracking": "none",
        "is_active": "on",
        **NO_PACKAGINGS,
    }
    response = manager_client.post("/admin/inventory/product/add/", {**data, "barcode": EAN13})
    assert response.status_code == 200
    assert "already exists" in response.content.decode()
    response = manager_client.post(
        "/admin/inventory/product/add/", {**data, "barcode": "4006381333932"}
    )
    assert "check digit is wrong" in response.content.decode()
    response = manager_client.post("/admin/inventory/product/add/", {**data, "barcode": "12345670"})
    assert response.status_code == 302
    assert Product.objects.get(sku="PEN").barcode == "00000012345670"


def test_the_admin_finds_a_product_by_its_printed_gtin(manager_client):
    ProductFactory(sku="PEN", barcode=GTIN14)
    ProductFactory(sku="CUP")
    page = manager_client.get("/admin/inventory/product/", {"q": EAN13}).content.decode()
    assert "PEN" in page
    assert "CUP" not in page


def test_the_csv_import_takes_barcodes():
    ProductFactory(sku="OLD", barcode="00000012345670")
    text = f"sku,name,barcode\nPEN,Pen,{EAN13}\nCUP,Cup,\n"
    result = products_import(lines=text.splitlines(keepends=True))
    assert result.saved, [str(e) for e in result.errors]
    assert Product.objects.get(sku="PEN").barcode == GTIN14
    assert Product.objects.get(sku="CUP").barcode is None


def test_the_csv_import_refuses_bad_and_taken_barcodes():
    ProductFactory(sku="OLD", barcode="00000012345670")
    text = (
        "sku,name,barcode\n"
        "PEN,Pen,4006381333932\n"
        "CUP,Cup,12345670\n"
        f"MUG,Mug,{EAN13}\n"
        f"JAR,Jar,{GTIN14}\n"
    )
    result = products_import(lines=text.splitlines(keepends=True))
    assert not result.saved
    errors = {e.sku: " ".join(e.messages) for e in result.errors}
    assert "check digit" in errors["PEN"]
    assert errors["CUP"] == "barcode 00000012345670 belongs to OLD."
    assert errors["JAR"] == f"barcode {GTIN14} belongs to MUG."
    assert "MUG" not in errors
    assert not Product.objects.filter(sku__in=["PEN", "CUP", "MUG", "JAR"]).exists()


def test_a_drawn_barcode_escapes_its_text():
    from inventory.barcodes import barcode_svg

    svg = barcode_svg("<script>alert(1)</script>")
    assert svg.startswith("<svg") and "<script>" not in svg and "&lt;script&gt;" in svg


def test_the_product_page_shows_the_barcode_as_printed(manager_client):
    product = ProductFactory(sku="PEN", barcode=GTIN14)
    page = manager_client.get(f"/admin/inventory/product/{product.pk}/change/").content.decode()
    assert re.search(r'class="[^"]*field-barcode_image.*?<svg', page, re.S)
    assert re.search(r"<text[^>]*>4006381333931</text>", page)
