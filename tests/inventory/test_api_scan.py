"""GET /api/v1/scan/: the server says what a scanned code names, or a JSON 404."""

import pytest

from tests.factories import ProductFactory
from tests.support.documents import post

pytestmark = pytest.mark.django_db

URL = "/api/v1/scan/"


@pytest.fixture
def pen(db):
    return ProductFactory(sku="SKU-1005", name="Pen", barcode="04006381333931", unit="box")


def scan(client, code, **params):
    return client.get(URL, {"code": code, **params})


def test_a_barcode_names_its_product(clerk_api, pen):
    ProductFactory(sku="SKU-1001")
    body = scan(clerk_api, "4006381333931").json()
    assert body["kind"] == "product"
    assert body["product"]["id"] == pen.pk
    assert body["product"]["unit_display"] == "box"
    assert (body["lot"], body["expires_on"], body["quantity"], body["location"]) == (
        None,
        None,
        None,
        None,
    )


def test_a_sku_is_matched_exactly_never_by_prefix(clerk_api, pen):
    ProductFactory(sku="SKU-100")
    assert scan(clerk_api, "SKU-1005").json()["product"]["id"] == pen.pk
    assert scan(clerk_api, " SKU-1005\n").json()["product"]["id"] == pen.pk
    response = scan(clerk_api, "SKU-10")
    assert response.status_code == 404
    assert response.json() == {"detail": "Unknown code: SKU-10.", "code": "unknown_code"}


def test_a_gs1_string_gives_product_lot_expiry_serial_and_count(clerk_api, pen):
    body = scan(clerk_api, "(01)04006381333931(10)L-77(17)271231(21)SN9(37)12").json()
    assert body["kind"] == "gs1"
    assert body["product"]["sku"] == "SKU-1005"
    assert (body["lot"], body["expires_on"], body["serial"], body["quantity"]) == (
        "L-77",
        "2027-12-31",
        "SN9",
        12,
    )


def test_a_raw_gs1_string_with_group_separators(clerk_api, pen):
    body = scan(clerk_api, "010400638133393110L-77\x1d1727123130" + "5").json()
    assert (body["product"]["id"], body["lot"], body["quantity"]) == (pen.pk, "L-77", 5)


def test_a_gs1_gtin_no_product_has_is_a_404(clerk_api, pen):
    response = scan(clerk_api, "(01)00000012345670(10)X")
    assert response.status_code == 404
    assert response.json()["code"] == "unknown_gtin"


def test_an_inactive_product_is_said_so(clerk_api):
    ProductFactory(sku="OLD", is_active=False)
    response = scan(clerk_api, "OLD")
    assert response.status_code == 404
    assert response.json()["code"] == "inactive_product"


def test_available_stock_in_a_warehouse(clerk_api, pen, warehouse):
    post("receipt", warehouse, [(pen, 7)])
    assert scan(clerk_api, "SKU-1005", warehouse=warehouse.pk).json()["available"] == 7


@pytest.mark.parametrize(
    "params", [{}, {"code": ""}, {"code": "x" * 201}, {"code": "A", "warehouse": "x"}]
)
def test_bad_queries_are_400s(clerk_api, params):
    response = clerk_api.get(URL, params)
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"


def test_scanning_needs_a_login(client):
    assert client.get(URL, {"code": "A"}).status_code == 401


def test_scanning_answers_in_two_queries(clerk_api, pen, django_assert_max_num_queries):
    with django_assert_max_num_queries(6):
        assert scan(clerk_api, "SKU-1005").status_code == 200


def test_the_scan_input_of_the_admin_is_not_counted_against_the_api_rate(
    clerk_client, pen, settings
):
    settings.RATE_LIMIT_PER_MINUTE = 2
    for _ in range(5):
        response = clerk_client.get("/admin/documents/document/scan/", {"code": "SKU-1005"})
        assert response.status_code == 200
        assert response.json()["product"]["id"] == pen.pk
    assert clerk_client.get("/admin/documents/document/scan/", {"code": "X"}).json() == {
        "detail": "Unknown code: X.",
        "code": "unknown_code",
    }


def test_the_admins_scan_input_needs_a_staff_login(client):
    response = client.get("/admin/documents/document/scan/", {"code": "A"})
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


@pytest.fixture
def shelf(warehouse):
    from warehouses.services import location_create

    aisle = location_create(warehouse_id=warehouse.pk, code="A")
    return location_create(parent_id=aisle.pk, code="01", barcode="LOC-A01")


def test_a_location_barcode_names_the_location(clerk_api, shelf):
    body = scan(clerk_api, "LOC-A01").json()
    assert body == {
        "kind": "location",
        "code": "LOC-A01",
        "product": None,
        "location": shelf.pk,
        "location_path": f"{shelf.warehouse.code}/A/01",
        "warehouse": shelf.warehouse_id,
        "lot": None,
        "expires_on": None,
        "serial": None,
        "packaging": None,
        "quantity": None,
    }


def test_a_location_path_names_the_location_in_any_case_when_only_one_has_it(clerk_api, shelf):
    code = shelf.warehouse.code
    assert scan(clerk_api, f"{code}/A/01").json()["location"] == shelf.pk
    assert scan(clerk_api, code).json()["location"] == shelf.parent.parent_id  # the root
    assert scan(clerk_api, f"{code.lower()}/a/01").json()["location"] == shelf.pk
    assert scan(clerk_api, f"{code}/").status_code == 404
    assert scan(clerk_api, f"{code}/A/0").status_code == 404


def test_a_product_code_wins_over_a_location_with_the_same_barcode(clerk_api, shelf):
    ProductFactory(sku="LOC-A01")
    assert scan(clerk_api, "LOC-A01").json()["kind"] == "product"


def test_a_numeric_shelf_label_is_a_location_not_a_gs1_lot(clerk_api, shelf):
    shelf.barcode = "1012"
    shelf.save()
    assert scan(clerk_api, "1012").json()["location"] == shelf.pk


def test_an_inactive_location_is_said_so(clerk_api, shelf):
    shelf.is_active = False
    shelf.save()
    response = scan(clerk_api, "LOC-A01")
    assert response.status_code == 404
    assert response.json() == {
        "detail": f"{shelf.warehouse.code}/A/01 is inactive: documents cannot use it.",
        "code": "inactive_location",
    }


def test_scanning_a_location_answers_in_few_queries(
    clerk_api, shelf, django_assert_max_num_queries
):
    with django_assert_max_num_queries(6):
        assert scan(clerk_api, "LOC-A01").status_code == 200
