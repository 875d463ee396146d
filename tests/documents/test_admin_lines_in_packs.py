"""The staff screens speak packs: packagings on the product's page, lines entered in packs."""

import pytest
from django.urls import reverse

from documents.models import Document
from inventory.models import Packaging
from tests.documents.admin_helpers import ADD_URL, change_url, form_data
from tests.factories import NO_PACKAGINGS, ProductFactory

pytestmark = pytest.mark.django_db

CASE = "14006381333938"


@pytest.fixture
def cased(db):
    product = ProductFactory(sku="WATER", barcode="04006381333931")
    Packaging.objects.create(product=product, code="case", quantity=12, barcode=CASE)
    return product


def product_form(product, **fields) -> dict:
    """The product page's form as a browser posts it, with no packagings unless given."""
    return {
        "sku": product.sku,
        "barcode": product.barcode or "",
        "name": product.name,
        "description": "",
        "unit": product.unit,
        "decimals": product.decimals,
        "price": "1.00",
        "tracking": "none",
        "is_active": "on",
        **NO_PACKAGINGS,
        **fields,
    }


def test_a_receipt_line_entered_in_cases(manager_client, warehouse, cased):
    data = form_data("receipt", warehouse, [(cased, "")], reference="PO-9")
    data |= {"lines-0-packs": 3, "lines-0-pack": "case"}
    response = manager_client.post(ADD_URL, data)
    assert response.status_code == 302, response.context["inline_admin_formsets"][
        0
    ].formset.non_form_errors()
    line = Document.objects.get(reference="PO-9").lines.get()
    assert (line.quantity, line.packaging.code, line.packaging_quantity) == (36, "case", 3)
    # Saved again unchanged, it stays 3 cases; the page shows them.
    page = manager_client.get(change_url(line.document))
    assert 'name="lines-0-packs" value="3"' in page.content.decode()


def test_an_unknown_pack_is_said_with_the_lines(manager_client, warehouse, cased):
    data = form_data("receipt", warehouse, [(cased, "")])
    data |= {"lines-0-packs": 3, "lines-0-pack": "crate"}
    response = manager_client.post(ADD_URL, data)
    errors = list(response.context["inline_admin_formsets"][0].formset.non_form_errors())
    assert errors == ["Line 1 (WATER): WATER has no packaging 'crate'."]
    assert not Document.objects.exists()


def test_packagings_are_kept_on_the_products_page(manager_client):
    product = ProductFactory(sku="CABLE", unit="m")
    url = reverse("admin:inventory_product_change", args=[product.pk])
    data = product_form(
        product,
        decimals=1,
        **{
            "packagings-TOTAL_FORMS": 1,
            "packagings-0-code": "drum",
            "packagings-0-name": "drum of 500 m",
            "packagings-0-quantity": 5000,
            "packagings-0-barcode": "4006381333948",  # typed as a GTIN-13, kept as 14 digits
            "packagings-0-can_receive": "on",
        },
    )
    response = manager_client.post(url, data)
    assert response.status_code == 302, response.context["errors"]
    product.refresh_from_db()
    assert product.decimals == 1
    drum = product.packagings.get()
    assert (drum.quantity, drum.barcode, drum.can_ship) == (5000, "04006381333948", False)


def test_a_packaging_cannot_take_a_products_barcode(manager_client, cased):
    other = ProductFactory(sku="OTHER")
    url = reverse("admin:inventory_product_change", args=[other.pk])
    data = product_form(
        other,
        **{
            "packagings-TOTAL_FORMS": 1,
            "packagings-0-code": "case",
            "packagings-0-quantity": 6,
            "packagings-0-barcode": "04006381333931",
        },
    )
    response = manager_client.post(url, data)
    assert response.status_code == 200
    assert "Another product has the barcode 04006381333931." in response.content.decode()


def test_decimals_are_fixed_once_quantities_exist(manager_client, warehouse, cased):
    from tests.support.documents import post

    post("receipt", warehouse, [(cased, 5)])
    url = reverse("admin:inventory_product_change", args=[cased.pk])
    page = manager_client.get(url)
    data = product_form(cased, decimals=2)
    assert page.status_code == 200
    response = manager_client.post(url, data)
    assert response.status_code == 200
    assert "its decimals cannot change to 2" in response.content.decode()
