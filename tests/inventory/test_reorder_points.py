"""Reorder points: a minimum and a target per warehouse and product, and the short rows."""

import pytest
from django.db import IntegrityError, connection, transaction

from inventory.models import ReorderPoint
from tests.factories import ProductFactory, WarehouseFactory
from tests.support.documents import post

pytestmark = pytest.mark.django_db

URL = "/api/v1/reorder-points/"


def test_set_and_read_a_reorder_point(manager_api, warehouse, product):
    post("receipt", warehouse, [(product, 4)])
    body = {"warehouse": warehouse.pk, "product": product.pk}
    response = manager_api.post(URL, {**body, "min_quantity": 5, "target_quantity": 20})
    assert response.status_code == 201, response.json()
    assert response.json()["available"] == 4
    assert response.json()["to_order"] == 16
    listed = manager_api.get(URL).json()["results"]
    assert [(r["min_quantity"], r["target_quantity"], r["to_order"]) for r in listed] == [
        (5, 20, 16)
    ]


@pytest.mark.parametrize(
    "quantities, field",
    [((5, 4), "target_quantity"), ((-1, 3), "min_quantity"), ((1, "x"), "target_quantity")],
)
def test_a_target_below_the_minimum_is_a_400(manager_api, warehouse, product, quantities, field):
    low, high = quantities
    response = manager_api.post(
        URL,
        {
            "warehouse": warehouse.pk,
            "product": product.pk,
            "min_quantity": low,
            "target_quantity": high,
        },
    )
    assert response.status_code == 400
    assert field in response.json()["errors"]
    assert not ReorderPoint.objects.exists()


def test_a_patch_below_the_minimum_is_refused(manager_api, warehouse, product):
    point = ReorderPoint.objects.create(
        warehouse=warehouse, product=product, min_quantity=5, target_quantity=10
    )
    response = manager_api.patch(f"{URL}{point.pk}/", {"target_quantity": 4})
    assert response.status_code == 400
    point.refresh_from_db()
    assert point.target_quantity == 10


def test_one_reorder_point_per_warehouse_and_product(manager_api, warehouse, product):
    ReorderPoint.objects.create(
        warehouse=warehouse, product=product, min_quantity=1, target_quantity=2
    )
    response = manager_api.post(
        URL,
        {"warehouse": warehouse.pk, "product": product.pk, "min_quantity": 1, "target_quantity": 3},
    )
    assert response.status_code == 409
    assert response.json()["code"] == "already_exists"


@pytest.mark.parametrize(
    "sql, name",
    [
        (
            "UPDATE reorder_points SET target_quantity = 1",
            "check_reorder_points_target_at_least_min",
        ),
        (
            "UPDATE reorder_points SET min_quantity = -1, target_quantity = 0",
            "check_reorder_points_min_positive",
        ),
        (
            "INSERT INTO reorder_points (warehouse_id, product_id, min_quantity, target_quantity,"
            " updated_at) SELECT warehouse_id, product_id, 0, 0, updated_at FROM reorder_points",
            "uq_reorder_points_warehouse_product",
        ),
    ],
)
def test_the_database_holds_the_rules(warehouse, product, sql, name):
    ReorderPoint.objects.create(
        warehouse=warehouse, product=product, min_quantity=5, target_quantity=10
    )
    with pytest.raises(IntegrityError) as error, transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(sql)
    if connection.vendor == "postgresql":
        assert name in str(error.value)


def test_stock_below_its_reorder_point(clerk_api):
    main, east = WarehouseFactory(), WarehouseFactory()
    low, fine, unset = ProductFactory(), ProductFactory(), ProductFactory()
    post("receipt", main, [(low, 3), (fine, 50), (unset, 1)])
    post("receipt", east, [(low, 100)])
    for warehouse, product, minimum, target in ((main, low, 5, 20), (main, fine, 10, 40)):
        ReorderPoint.objects.create(
            warehouse=warehouse, product=product, min_quantity=minimum, target_quantity=target
        )
    short = clerk_api.get("/api/v1/stock/", {"below_reorder_point": "true"}).json()["results"]
    assert [(r["warehouse"], r["product"], r["available"], r["to_order"]) for r in short] == [
        (main.pk, low.pk, 3, 17)
    ]
    rest = clerk_api.get("/api/v1/stock/", {"below_reorder_point": "false"}).json()["results"]
    assert {(r["product"], r["to_order"]) for r in rest} == {
        (fine.pk, 0),
        (unset.pk, None),
        (low.pk, None),
    }
    assert clerk_api.get("/api/v1/stock/", {"below_reorder_point": "maybe"}).status_code == 400


def test_a_product_never_stocked_is_short_in_the_reorder_point_list(clerk_api, warehouse):
    product = ProductFactory()
    ReorderPoint.objects.create(
        warehouse=warehouse, product=product, min_quantity=2, target_quantity=9
    )
    short = clerk_api.get(URL, {"short": "true"}).json()["results"]
    assert [(r["product"], r["available"], r["to_order"]) for r in short] == [(product.pk, 0, 9)]


def test_a_clerk_reads_but_does_not_set_reorder_points(clerk_api, warehouse, product):
    response = clerk_api.post(
        URL,
        {"warehouse": warehouse.pk, "product": product.pk, "min_quantity": 1, "target_quantity": 3},
    )
    assert response.status_code == 403


def test_listing_needs_no_query_per_row(clerk_api, django_assert_num_queries):
    warehouse = WarehouseFactory()
    products = ProductFactory.create_batch(12)
    post("receipt", warehouse, [(p, 1) for p in products])

    def queries(count) -> int:
        ReorderPoint.objects.all().delete()
        for p in products[:count]:
            ReorderPoint.objects.create(
                warehouse=warehouse, product=p, min_quantity=5, target_quantity=9
            )
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as captured:
            assert clerk_api.get(URL).status_code == 200
            assert (
                clerk_api.get("/api/v1/stock/", {"below_reorder_point": "true"}).status_code == 200
            )
        return len(captured)

    assert queries(1) == queries(12)
