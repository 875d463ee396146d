"""Document lines entered in the product's unit or in packs: exact, refused with the nearest
valid quantities, and the ledger always in stock steps."""

import pytest

from documents.models import Document
from inventory.models import Packaging, StockMovement
from tests.factories import ProductFactory
from tests.support.stock import stock

pytestmark = pytest.mark.django_db

URL = "/api/v1/documents/"
CASE_GTIN = "14006381333938"


@pytest.fixture
def cased(db):
    """Pieces, in cases of 12 and pallets of 40 cases."""
    product = ProductFactory(sku="WATER", barcode="04006381333931")
    Packaging.objects.create(product=product, code="case", quantity=12, barcode=CASE_GTIN)
    Packaging.objects.create(product=product, code="pallet", quantity=480, can_ship=False)
    return product


@pytest.fixture
def cheese(db):
    return ProductFactory(sku="CHEESE", unit="kg", decimals=3)


def draft(client, warehouse, lines, doc_type="receipt", **headers):
    body = {"doc_type": doc_type, "warehouse": warehouse.pk, "lines": lines}
    return client.post(URL, body, format="json", **headers)


def errors(response) -> list[str]:
    assert response.status_code == 400, response.content
    return response.json()["errors"]["lines"]


def test_a_line_in_cases_keeps_what_was_entered_beside_the_units(manager_api, warehouse, cased):
    response = draft(
        manager_api,
        warehouse,
        [{"product": cased.pk, "packaging": "case", "packaging_quantity": 3}],
    )
    assert response.status_code == 201, response.content
    line = response.json()["lines"][0]
    assert (line["quantity"], line["unit_quantity"]) == (36, "36")
    assert (line["packaging"], line["packaging_quantity"]) == ("case", 3)
    document = Document.objects.get(pk=response.json()["id"])
    assert manager_api.post(f"{URL}{document.pk}/post/").status_code == 200
    assert stock(warehouse, cased) == 36
    assert list(StockMovement.objects.values_list("quantity", flat=True)) == [36]


def test_a_pallet_of_40_cases_of_12_is_480(manager_api, warehouse, cased):
    response = draft(
        manager_api,
        warehouse,
        [{"product": cased.pk, "packaging": "pallet", "packaging_quantity": 2}],
    )
    assert response.json()["lines"][0]["quantity"] == 960


def test_a_weight_in_kilograms_is_stored_in_grams(manager_api, warehouse, cheese):
    response = draft(manager_api, warehouse, [{"product": cheese.pk, "unit_quantity": "1.25"}])
    line = response.json()["lines"][0]
    assert (line["quantity"], line["unit_quantity"], line["packaging"]) == (1250, "1.250", None)
    assert line["packaging_quantity"] is None
    # An integer quantity is steps, as always: existing clients keep working.
    response = draft(manager_api, warehouse, [{"product": cheese.pk, "quantity": 1250}])
    assert response.json()["lines"][0]["unit_quantity"] == "1.250"


def test_finer_than_the_product_counts_names_the_nearest(manager_api, warehouse, cheese):
    response = draft(manager_api, warehouse, [{"product": cheese.pk, "unit_quantity": "1.2505"}])
    [message] = errors(response)
    assert "Line 1 (CHEESE)" in message and "1.250 and 1.251" in message
    assert not Document.objects.exists()


@pytest.mark.parametrize(
    "line, message",
    [
        ({"unit_quantity": 1.25}, 'A decimal string is required, e.g. "1.25".'),
        ({"unit_quantity": "1,25"}, 'A decimal string is required, e.g. "1.25".'),
        ({"quantity": 3, "unit_quantity": "3"}, "not quantity and unit_quantity"),
        ({"quantity": 36, "packaging": "case", "packaging_quantity": 3}, "not quantity and"),
        ({"packaging": "case"}, "packaging and packaging_quantity go together."),
        ({"packaging_quantity": 3}, "This field is required."),
        ({"packaging": "case", "packaging_quantity": "3"}, "A JSON integer is required"),
    ],
)
def test_bad_line_quantities_are_400(manager_api, warehouse, cased, line, message):
    [error] = errors(draft(manager_api, warehouse, [{"product": cased.pk, **line}]))
    assert error.startswith("Line 1: ") and message in error


def test_a_packaging_of_another_product_is_400(manager_api, warehouse, cased, cheese):
    response = draft(
        manager_api,
        warehouse,
        [{"product": cheese.pk, "packaging": "case", "packaging_quantity": 1}],
    )
    assert errors(response) == ["Line 1 (CHEESE): CHEESE has no packaging 'case'."]


def test_a_packaging_that_may_not_ship_is_refused_on_a_shipment(manager_api, warehouse, cased):
    response = draft(
        manager_api,
        warehouse,
        [{"product": cased.pk, "packaging": "pallet", "packaging_quantity": 1}],
        doc_type="shipment",
    )
    assert errors(response) == ["Line 1 (WATER): packaging pallet of WATER may not be shipped."]


def test_whole_packs_are_required_where_the_product_says_so(manager_api, warehouse, cased):
    cased.receive_whole_packs = True
    cased.save()
    [message] = errors(draft(manager_api, warehouse, [{"product": cased.pk, "quantity": 30}]))
    assert "whole packs of 12" in message and "nearest are 24 and 36" in message
    assert draft(manager_api, warehouse, [{"product": cased.pk, "quantity": 24}]).status_code == 201
    # Shipping is not bound by the receiving rule.
    response = draft(manager_api, warehouse, [{"product": cased.pk, "quantity": 5}], "shipment")
    assert response.status_code == 201


def test_a_retried_create_in_packs_replays_and_adds_nothing(manager_api, warehouse, cased):
    lines = [{"product": cased.pk, "packaging": "case", "packaging_quantity": 2}]
    first = draft(manager_api, warehouse, lines, HTTP_IDEMPOTENCY_KEY="packs-1")
    again = draft(manager_api, warehouse, lines, HTTP_IDEMPOTENCY_KEY="packs-1")
    assert first.status_code == again.status_code == 201
    assert first.json() == again.json()
    assert Document.objects.count() == 1


def test_a_draft_edited_without_its_lines_keeps_them_in_packs(manager_api, warehouse, cased):
    created = draft(
        manager_api,
        warehouse,
        [{"product": cased.pk, "packaging": "case", "packaging_quantity": 3}],
    ).json()
    # The case changes size later: the line keeps what it was entered as.
    Packaging.objects.filter(code="case").update(quantity=10)
    response = manager_api.patch(f"{URL}{created['id']}/", {"reference": "PO-1"}, format="json")
    assert response.status_code == 200, response.content
    line = response.json()["lines"][0]
    assert (line["quantity"], line["packaging"], line["packaging_quantity"]) == (36, "case", 3)


def test_a_used_packaging_cannot_be_deleted(manager_api, warehouse, cased):
    draft(
        manager_api,
        warehouse,
        [{"product": cased.pk, "packaging": "case", "packaging_quantity": 1}],
    )
    case = Packaging.objects.get(code="case")
    response = manager_api.delete(f"/api/v1/packagings/{case.pk}/")
    assert response.status_code == 409 and response.json()["code"] == "in_use"
