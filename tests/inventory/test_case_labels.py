"""Case labels: one per packaging with a barcode, its GTIN-14 drawn as ITF-14, and what one
case holds; the label's code scans back to the packaging."""

import re

import barcode as python_barcode
import pytest
from barcode.writer import SVGWriter
from django.urls import reverse

from inventory.barcodes import barcode_svg, gtin14_svg
from inventory.models import Packaging
from tests.factories import ProductFactory

pytestmark = pytest.mark.django_db

CASE = "14006381333938"


@pytest.fixture
def goods(db):
    water = ProductFactory(sku="WATER", name="Still water 0.5 l", barcode="04006381333931")
    Packaging.objects.create(product=water, code="case", name="case", quantity=12, barcode=CASE)
    Packaging.objects.create(product=water, code="layer", quantity=120)
    cheese = ProductFactory(sku="GOUDA", unit="kg", decimals=3)
    Packaging.objects.create(product=cheese, code="wheel", quantity=12500, barcode="24006381333935")
    return water, cheese


def _print(client, products):
    return client.post(
        reverse("admin:inventory_product_changelist"),
        {"action": "print_case_labels", "_selected_action": [p.pk for p in products]},
    )


def test_a_case_label_carries_its_gtin_14_and_its_content(manager_client, goods):
    page = _print(manager_client, goods)
    assert page.status_code == 200
    html = page.content.decode()
    assert f'data-packaging="{CASE}"' in html
    assert "WATER — case of 12 pcs" in html
    assert "GOUDA — wheel of 12.500 kg" in html
    # ITF-14 draws the 14 digits under its bars (Code 128 of the same digits is wider).
    assert html.count(f">{CASE}</text>") == 1
    assert "No label for packagings without a barcode: WATER layer." in html


def test_the_label_is_itf_14():
    drawn = str(gtin14_svg(CASE))
    itf = python_barcode.get("itf", CASE, writer=SVGWriter()).render({}).decode()
    # The same bars as python-barcode's ITF of those digits, not the Code 128 of other papers.
    bars = re.compile(r'<rect x="[0-9.]+mm" y="[0-9.]+mm" width="([0-9.]+)mm"')
    assert bars.findall(drawn) == bars.findall(itf)
    assert bars.findall(drawn) != bars.findall(str(barcode_svg(CASE)))


def test_nothing_to_label_says_so(manager_client, goods):
    bare = ProductFactory(sku="BARE")
    page = _print(manager_client, [bare])
    assert page.status_code == 302
    followed = manager_client.get(page["Location"]).content.decode()
    assert "No packagings to label." in followed


def test_the_printed_code_scans_as_the_case(clerk_api, goods):
    answer = clerk_api.get("/api/v1/scan/", {"code": CASE}).json()
    assert (answer["packaging"], answer["quantity"]) == ("case", 12)
