"""Counting in packs: a count line filled as "4 cases + 3" (or a weight in its unit) posts the
exact steps, and keeps what was entered beside them."""

import pytest
from django.db import IntegrityError, connection, transaction

from documents.models import Document, DocumentLine
from inventory.models import Packaging, StockMovement
from inventory.quantities import MAX_QUANTITY
from tests.documents.admin_helpers import ADD_URL, change_url, form_data
from tests.factories import ProductFactory
from tests.support.documents import post
from tests.support.stock import stock

pytestmark = pytest.mark.django_db

URL = "/api/v1/documents/"


@pytest.fixture
def goods(warehouse):
    water = ProductFactory(sku="WATER")
    Packaging.objects.create(product=water, code="case", quantity=12)
    Packaging.objects.create(product=water, code="pallet", quantity=480)
    cheese = ProductFactory(sku="GOUDA", unit="kg", decimals=3)
    Packaging.objects.create(product=cheese, code="wheel", quantity=12500)
    post("receipt", warehouse, [(water, 100), (cheese, 30000)])
    return water, cheese


def count(client, warehouse, lines, **headers):
    body = {"doc_type": "count", "warehouse": warehouse.pk, "lines": lines}
    return client.post(URL, body, format="json", **headers)


def test_a_count_of_4_cases_and_3_posts_51(manager_api, warehouse, goods):
    water, cheese = goods
    response = count(
        manager_api,
        warehouse,
        [
            {
                "product": water.pk,
                "packaging": "case",
                "packaging_quantity": 4,
                "loose_quantity": 3,
            },
            {
                "product": cheese.pk,
                "packaging": "wheel",
                "packaging_quantity": 2,
                "loose_quantity": 250,
            },
        ],
    )
    assert response.status_code == 201, response.content
    lines = [
        (
            line["quantity"],
            line["unit_quantity"],
            line["packaging"],
            line["packaging_quantity"],
            line["loose_quantity"],
        )
        for line in response.json()["lines"]
    ]
    assert lines == [(51, "51", "case", 4, 3), (25250, "25.250", "wheel", 2, 250)]
    posted = manager_api.post(f"{URL}{response.json()['id']}/post/")
    assert posted.status_code == 200, posted.content
    assert [line["loose_quantity"] for line in posted.json()["lines"]] == [3, 250]
    assert (stock(warehouse, water), stock(warehouse, cheese)) == (51, 25250)
    # The ledger moved the differences, in steps: 100 → 51 and 30 kg → 25.25 kg.
    assert sorted(
        StockMovement.objects.filter(quantity__lt=0).values_list("quantity", flat=True)
    ) == [
        -4750,
        -49,
    ]


def test_a_weight_is_counted_in_its_unit(manager_api, warehouse, goods):
    _, cheese = goods
    response = count(manager_api, warehouse, [{"product": cheese.pk, "unit_quantity": "1.25"}])
    assert response.json()["lines"][0]["quantity"] == 1250
    finer = count(manager_api, warehouse, [{"product": cheese.pk, "unit_quantity": "1.2505"}])
    assert finer.json()["errors"]["lines"] == [
        "Line 1 (GOUDA): unit_quantity: 1.2505 is finer than this product is counted "
        "(to 3 decimals); the nearest quantities are 1.250 and 1.251."
    ]


@pytest.mark.parametrize(
    "line, error",
    [
        (
            {"quantity": 3, "loose_quantity": 3},
            "loose_quantity goes with packaging and packaging_quantity.",
        ),
        ({"packaging": "case", "packaging_quantity": 1, "loose_quantity": -1}, "loose_quantity: "),
        (
            {"packaging": "case", "packaging_quantity": -1, "loose_quantity": 3},
            "loose_quantity is a whole number of steps, 0 or more, beside 0 or more packs.",
        ),
        (
            {"packaging": "case", "packaging_quantity": MAX_QUANTITY // 12, "loose_quantity": 12},
            f"{MAX_QUANTITY // 12} case + 12 is too large: at most {MAX_QUANTITY}.",
        ),
    ],
)
def test_a_loose_rest_that_does_not_fit_is_a_400(manager_api, warehouse, goods, line, error):
    water, _ = goods
    doc_type = "adjustment" if line.get("packaging_quantity", 0) < 0 else "count"
    body = {
        "doc_type": doc_type,
        "warehouse": warehouse.pk,
        "lines": [{"product": water.pk, **line}],
    }
    response = manager_api.post(URL, body, format="json")
    assert response.status_code == 400, response.content
    assert error in str(response.json()["errors"])
    assert not Document.objects.filter(doc_type__in=["count", "adjustment"]).exists()


def test_a_retried_count_is_made_once(manager_api, warehouse, goods):
    water, _ = goods
    line = {"product": water.pk, "packaging": "case", "packaging_quantity": 4, "loose_quantity": 3}
    first = count(manager_api, warehouse, [line], HTTP_IDEMPOTENCY_KEY="count-1")
    again = count(manager_api, warehouse, [line], HTTP_IDEMPOTENCY_KEY="count-1")
    assert first.status_code == 201 and again.json() == first.json()
    assert Document.objects.filter(doc_type="count").count() == 1


def test_a_header_change_keeps_the_loose_rest(manager_api, warehouse, goods):
    water, _ = goods
    line = {"product": water.pk, "packaging": "case", "packaging_quantity": 4, "loose_quantity": 3}
    made = count(manager_api, warehouse, [line]).json()
    changed = manager_api.patch(f"{URL}{made['id']}/", {"reference": "aisle 4"}, format="json")
    assert changed.status_code == 200, changed.content
    assert changed.json()["lines"][0]["loose_quantity"] == 3


def test_the_count_screen_takes_4_cases_and_3(manager_client, warehouse, goods):
    water, cheese = goods
    data = form_data("count", warehouse, [(water, ""), (cheese, "")], reference="C-1")
    data |= {"lines-0-packs": 4, "lines-0-pack": "case", "lines-0-loose": "3"}
    data |= {"lines-1-loose": "1.25"}  # a weight alone: the quantity in kg
    response = manager_client.post(ADD_URL, data)
    assert response.status_code == 302, response.context["inline_admin_formsets"][
        0
    ].formset.non_form_errors()
    document = Document.objects.get(reference="C-1")
    assert list(
        document.lines.order_by("id").values_list(
            "quantity", "packaging__code", "packaging_quantity", "loose_quantity"
        )
    ) == [(51, "case", 4, 3), (1250, None, None, None)]
    page = manager_client.get(change_url(document)).content.decode()
    assert 'name="lines-0-loose" value="3"' in page


def test_the_count_screen_says_what_is_too_fine(manager_client, warehouse, goods):
    _, cheese = goods
    data = form_data("count", warehouse, [(cheese, "")], reference="C-2")
    data |= {"lines-0-packs": 1, "lines-0-pack": "wheel", "lines-0-loose": "0.0005"}
    page = manager_client.post(ADD_URL, data).content.decode()
    assert "the nearest quantities are 0.000 and 0.001." in page
    assert not Document.objects.filter(reference="C-2").exists()


@pytest.mark.parametrize(
    "assignment",
    [
        "loose_quantity = 4",  # 51 is not 4 × 12 + 4
        "loose_quantity = -3, quantity = 45",
        "packaging_id = NULL, packaging_quantity = NULL, packaging_size = NULL",
    ],
)
def test_the_database_holds_packs_and_loose_to_the_quantity(
    manager_api, warehouse, goods, assignment
):
    water, _ = goods
    line = {"product": water.pk, "packaging": "case", "packaging_quantity": 4, "loose_quantity": 3}
    count(manager_api, warehouse, [line])
    with pytest.raises(IntegrityError) as raised, transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(f"UPDATE document_lines SET {assignment} WHERE packaging_id IS NOT NULL")
    assert "check_document_lines_packaging_exact" in str(raised.value)
    assert DocumentLine.objects.get(packaging__isnull=False).loose_quantity == 3
