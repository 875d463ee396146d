"""The ledger in the admin: exact SKU search, the balance after each movement, who did it."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from documents.services import document_cancel
from tests.factories import ProductFactory
from tests.support.documents import post
from tests.support.users import user_with
from wms.roles import CLERK

pytestmark = pytest.mark.django_db

URL = "/admin/inventory/stockmovement/"


def rows(client, query="") -> list[list[str]]:
    page = client.get(URL + query).content.decode()
    body = re.search(r"<tbody>(.*?)</tbody>", page, re.S)
    if body is None:
        return []
    cells = re.findall(r"<tr.*?</tr>", body.group(1), re.S)
    return [
        [
            re.sub(r"<[^>]+>", "", c).strip()
            for c in re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", r, re.S)
        ]
        for r in cells
    ]


def test_searching_a_sku_finds_that_sku_only(manager_client, warehouse):
    one = ProductFactory(sku="SKU-1", name="Tape")
    ten = ProductFactory(sku="SKU-10", name="Wrap")
    post("receipt", warehouse, [(one, 1), (ten, 2)])
    found = rows(manager_client, "?q=SKU-1")
    assert [r[4] for r in found] == ["SKU-1"]


def test_each_movement_shows_the_balance_after_it_and_who(manager_client, warehouse, manager):
    product = ProductFactory(sku="BOX")
    clerk = user_with(groups=[CLERK], username="clara")
    post("receipt", warehouse, [(product, 10)], user=clerk)
    shipment = post("shipment", warehouse, [(product, 4)], user=clerk)
    document_cancel(document_id=shipment.pk, user=manager)
    found = rows(manager_client)
    # newest first: the reversal, the shipment, the receipt
    assert [(r[6], r[7], r[9]) for r in found] == [
        ("+4", "10", manager.get_username()),
        ("-4", "6", "clara"),
        ("+10", "10", "clara"),
    ]


def test_the_ledger_needs_no_query_per_row(manager_client, warehouse):
    products = ProductFactory.create_batch(20)
    post("receipt", warehouse, [(products[0], 1)])

    def count() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert manager_client.get(URL).status_code == 200
        return len(captured)

    few = count()
    post("receipt", warehouse, [(p, 3) for p in products])
    post("shipment", warehouse, [(p, 1) for p in products])
    assert count() == few


def test_balances_from_either_end_equal_the_running_sum(warehouse, other_warehouse):
    from inventory.models import StockMovement
    from inventory.selectors import movement_balances

    box, cup = ProductFactory(), ProductFactory()
    for n in range(12):
        post("receipt", warehouse, [(box, n + 1), (cup, 2)])
        post("receipt", other_warehouse, [(box, 1)])
        if n % 3 == 2:
            post("shipment", warehouse, [(box, 4)])
    running, expected = {}, {}
    for m in StockMovement.objects.order_by("id"):
        key = (m.warehouse_id, m.product_id)
        running[key] = running.get(key, 0) + m.quantity
        expected[m.pk] = running[key]
    assert movement_balances(movement_ids=list(expected)) == expected
