"""Every list runs the same number of queries for a page of 1 row and a page of 100."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from documents.services import LineInput, document_create
from inventory.models import Lot
from inventory.services import StockChange, stock_apply
from tests.factories import ProductFactory, WarehouseFactory
from tests.support.users import api_client, user_with

pytestmark = pytest.mark.django_db


def make_rows(n):
    """n of everything: products, warehouses, stock rows, totals, movements, documents."""
    products = ProductFactory.create_batch(n)
    warehouses = WarehouseFactory.create_batch(n)
    receipt = document_create(
        doc_type="receipt",
        warehouse_id=warehouses[0].pk,
        lines=[LineInput(p.pk, 1) for p in products],
    )
    lines = dict(receipt.lines.values_list("product_id", "id"))
    root = warehouses[0].default_location.pk
    stock_apply(
        changes=[StockChange(warehouses[0].pk, root, p.pk, None, 1, lines[p.pk]) for p in products],
        document_id=receipt.pk,
    )
    Lot.objects.bulk_create(Lot(product=p, code=f"L{p.pk}") for p in products)
    for _ in range(n - 1):
        document_create(
            doc_type="receipt",
            warehouse_id=warehouses[0].pk,
            lines=[LineInput(products[0].pk, 1), LineInput(products[-1].pk, 2)],
        )


def queries(client, url) -> tuple[int, int]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured), len(response.json()["results"])


LISTS = [
    "products",
    "warehouses",
    "locations",
    "lots",
    "quants",
    "stock",
    "inventory",
    "movements",
    "documents",
]


@pytest.mark.parametrize("name", LISTS)
def test_queries_do_not_grow_with_the_page(name):
    client = api_client(user_with(groups=["Warehouse manager"]))
    url = f"/api/v1/{name}/?page_size=100"

    make_rows(1)
    small, rows = queries(client, url)
    assert rows == 1

    make_rows(99)
    large, rows = queries(client, url)
    assert rows == 100
    # The same statements for 1 row and for 100, but the count: a first page that is not full
    # is its own count (wms.pagination), a full one asks for it.
    assert large - small in (0, 1)
    # Token, the user's two permission sets, then the page (and a count, or the lines).
    assert small <= 6
