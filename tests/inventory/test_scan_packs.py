"""Scanning packs and weights: a case's barcode is one case, GS1 (02)/(01) + (37) counts
cases, (310n)/(320n) fills a weight-counted product exactly."""

import pytest

from inventory.models import Packaging
from tests.factories import ProductFactory

pytestmark = pytest.mark.django_db

UNIT = "04006381333931"
CASE = "14006381333938"
PALLET = "24006381333935"
CHEESE = "02000000000015"


@pytest.fixture
def cased(db):
    product = ProductFactory(sku="WATER", barcode=UNIT)
    Packaging.objects.create(product=product, code="case", quantity=12, barcode=CASE)
    Packaging.objects.create(product=product, code="pallet", quantity=480, barcode=PALLET)
    return product


@pytest.fixture
def cheese(db):
    return ProductFactory(sku="CHEESE", unit="kg", decimals=3, barcode=CHEESE)


def scan(client, code):
    return client.get("/api/v1/scan/", {"code": code})


def answer(client, code) -> tuple:
    response = scan(client, code)
    assert response.status_code == 200, response.content
    body = response.json()
    return body["kind"], body["product"]["sku"], body["packaging"], body["quantity"]


def test_a_case_barcode_adds_one_case(clerk_api, cased):
    assert answer(clerk_api, CASE) == ("product", "WATER", "case", 12)
    assert answer(clerk_api, "1" + CASE[1:]) == ("product", "WATER", "case", 12)
    # The unit's own barcode is one unit, as before.
    assert answer(clerk_api, UNIT) == ("product", "WATER", None, None)


def test_gs1_content_and_count_add_that_many_cases(clerk_api, cased):
    # An SSCC label: (02) the case's GTIN, (37) five of them.
    assert answer(clerk_api, f"(00)340123450000000009(02){CASE}(37)5") == (
        "gs1",
        "WATER",
        "case",
        60,
    )
    # (01) of a case with (37): the same count.
    assert answer(clerk_api, f"(01){CASE}(37)2") == ("gs1", "WATER", "case", 24)
    # (01) of the pallet alone: one pallet of 40 cases of 12.
    assert answer(clerk_api, f"(01){PALLET}") == ("gs1", "WATER", "pallet", 480)
    # (01) of the unit with (37): units, as before.
    assert answer(clerk_api, f"(01){UNIT}(37)7") == ("gs1", "WATER", None, 7)


def test_a_net_weight_fills_the_quantity_exactly(clerk_api, cheese):
    assert answer(clerk_api, f"(01){CHEESE}(3103)001250") == ("gs1", "CHEESE", None, 1250)
    # Two decimals on the label, three in stock: no loss.
    assert answer(clerk_api, f"(01){CHEESE}(3102)000125") == ("gs1", "CHEESE", None, 1250)
    # Raw, as a scanner sends it.
    assert answer(clerk_api, f"01{CHEESE}3103001250") == ("gs1", "CHEESE", None, 1250)


def test_a_weight_finer_than_the_product_counts_is_400(clerk_api, cheese):
    cheese.decimals = 2
    cheese.save()
    response = scan(clerk_api, f"(01){CHEESE}(3103)001255")
    assert response.status_code == 400
    assert "1.25 and 1.26" in response.json()["errors"]["code"][0]


def test_a_weight_in_another_unit_is_400(clerk_api, cheese, cased):
    response = scan(clerk_api, f"(01){CHEESE}(3202)000275")
    assert response.status_code == 400
    assert "counted in kg" in response.json()["errors"]["code"][0]
    response = scan(clerk_api, f"(01){UNIT}(3103)001250")
    assert "WATER is counted in pcs" in response.json()["errors"]["code"][0]


def test_a_large_count_of_pallets_stays_exact(clerk_api, cased):
    response = scan(clerk_api, f"(02){PALLET}(37)99999999")
    assert response.status_code == 200  # 48 billion pieces fit a bigint, exactly
    assert response.json()["quantity"] == 99999999 * 480
