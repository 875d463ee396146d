"""The admin's start page: figures that match the data, links to the rows behind them, and
a fixed number of queries however many rows there are."""

from datetime import datetime, timedelta
from unittest import mock

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from documents.dashboard import CHART_DAYS, dashboard_figures, movements_per_day
from documents.models import PostingFailure
from documents.services import LineInput, document_create, document_post, document_reserve
from inventory.models import ReorderPoint, StockMovement
from tests.factories import ProductFactory, WarehouseFactory
from tests.support.documents import make_document, post

pytestmark = pytest.mark.django_db


def fill(warehouses: int, products: int):
    """Stock in each warehouse (of lots expiring soon too), a short reorder point each, a
    draft, a reserved shipment and a failure each."""
    items = ProductFactory.create_batch(products)
    tracked = ProductFactory.create_batch(products, tracking="lot")
    soon = timezone.localdate() + timedelta(days=3)
    for _ in range(warehouses):
        warehouse = WarehouseFactory()
        post("receipt", warehouse, [(p, 2) for p in items])
        receipt = document_create(
            doc_type="receipt",
            warehouse_id=warehouse.pk,
            lines=[LineInput(p.pk, 2, lot=f"L{warehouse.pk}", expires_on=soon) for p in tracked],
        )
        document_post(document_id=receipt.pk)
        ReorderPoint.objects.create(
            warehouse=warehouse, product=items[0], min_quantity=5, target_quantity=10
        )
        make_document("shipment", warehouse, [(items[0], 1)])
        reserved = make_document("shipment", warehouse, [(items[0], 1)])
        document_reserve(document_id=reserved.pk)
        PostingFailure.objects.create(reason="insufficient_stock", doc_type="shipment")


def queries(client) -> int:
    cache.clear()  # the chart's closed days are counted once, then kept in the cache
    with CaptureQueriesContext(connection) as captured:
        response = client.get("/admin/")
    assert response.status_code == 200
    return len(captured)


def test_the_start_page_needs_no_query_per_row(manager_client):
    fill(1, 1)
    few = queries(manager_client)
    fill(6, 8)
    assert queries(manager_client) == few


def test_the_figures_are_the_data():
    main, east = WarehouseFactory(code="MAIN"), WarehouseFactory(code="EAST")
    WarehouseFactory(code="OLD", is_active=False)
    a, b, c = ProductFactory.create_batch(3)
    post("receipt", main, [(a, 10), (b, 5)])
    post("shipment", main, [(b, 5)])
    post("receipt", east, [(c, 7)])
    ReorderPoint.objects.create(warehouse=main, product=a, min_quantity=11, target_quantity=20)
    ReorderPoint.objects.create(warehouse=main, product=c, min_quantity=1, target_quantity=2)
    ReorderPoint.objects.create(warehouse=east, product=c, min_quantity=7, target_quantity=9)
    make_document("receipt", main, [(a, 1)])
    make_document("receipt", east, [(a, 1)])
    make_document("transfer", main, [(a, 1)], destination=east)
    PostingFailure.objects.create(reason="insufficient_stock")
    old = PostingFailure.objects.create(reason="insufficient_stock")
    PostingFailure.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=2))

    figures = dashboard_figures()
    assert [(w.code, w.products, w.units) for w in figures.warehouses] == [
        ("EAST", 1, 7),
        ("MAIN", 1, 10),  # b is at zero: not "in stock"
    ]
    assert figures.short == 2  # a in MAIN (10 < 11) and c in MAIN (never stocked there)
    assert [(d.doc_type, d.count) for d in figures.drafts] == [("receipt", 2), ("transfer", 1)]
    assert figures.failures == 1
    assert len(figures.days) == CHART_DAYS
    assert figures.days[-1].day == timezone.localdate()
    assert figures.days[-1].movements == StockMovement.objects.count() == 4
    assert sum(d.movements for d in figures.days[:-1]) == 0


def test_every_figure_links_to_the_list_behind_it(manager_client, warehouse, product):
    post("receipt", warehouse, [(product, 3)])
    make_document("receipt", warehouse, [(product, 1)])
    page = manager_client.get("/admin/").content.decode()
    today = timezone.localdate()
    for link in (
        f"/admin/inventory/warehouseinventory/?warehouse__id__exact={warehouse.pk}&amp;in_stock=yes",
        "/admin/inventory/reorderpoint/?short=yes",
        "/admin/documents/postingfailure/?recent=1d",
        "/admin/documents/document/?status__exact=draft&amp;doc_type__exact=receipt",
        f"/admin/inventory/stockmovement/?created_at__year={today.year}&amp;"
        f"created_at__month={today.month}&amp;created_at__day={today.day}",
    ):
        assert f'href="{link}"' in page, link
        assert manager_client.get(link.replace("&amp;", "&")).status_code == 200, link


def test_the_lists_behind_the_figures_need_no_query_per_row(manager_client):
    def count(url) -> int:
        with CaptureQueriesContext(connection) as captured:
            assert manager_client.get(url).status_code == 200
        return len(captured)

    urls = ("/admin/inventory/reorderpoint/?short=yes", "/admin/documents/postingfailure/")
    fill(1, 1)
    few = [count(url) for url in urls]
    fill(5, 3)
    assert [count(url) for url in urls] == few


def test_staff_without_the_permissions_see_no_figures(client, warehouse):
    from tests.support.users import user_with

    client.force_login(user_with(is_staff=True))
    page = client.get("/admin/").content.decode()
    assert 'id="dashboard"' not in page


def test_closed_days_are_counted_once_then_kept(warehouse, product, django_assert_num_queries):
    now = timezone.now()
    with mock.patch.object(timezone, "now", return_value=now - timedelta(days=2)):
        post("receipt", warehouse, [(product, 3)])
    post("receipt", warehouse, [(product, 1)])
    cache.clear()
    with django_assert_num_queries(2):  # the closed days, then the open one
        cold = movements_per_day(now=now)
    with django_assert_num_queries(1):  # only the open day
        warm = movements_per_day(now=now)
    assert cold == warm
    two_days_ago = timezone.localdate(now) - timedelta(days=2)
    assert {d.day: d.movements for d in warm if d.movements} == {
        two_days_ago: 1,
        timezone.localdate(now): 1,
    }


def test_a_day_just_ended_is_still_counted_live(warehouse, product):
    midnight = timezone.make_aware(datetime.combine(timezone.localdate(), datetime.min.time()))
    with mock.patch.object(timezone, "now", return_value=midnight - timedelta(minutes=1)):
        post("receipt", warehouse, [(product, 3)])
    cache.clear()
    soon_after = midnight + timedelta(minutes=5)
    before = movements_per_day(now=soon_after)[-2].movements
    with mock.patch.object(timezone, "now", return_value=midnight - timedelta(seconds=1)):
        post("receipt", warehouse, [(product, 3)])  # a posting that committed late
    assert movements_per_day(now=soon_after)[-2].movements == before + 1 == 2


def test_expiring_lots_and_reserved_documents_are_the_data(manager_client):
    main, east = WarehouseFactory(code="MAIN"), WarehouseFactory(code="EAST")
    milk, pen = ProductFactory(sku="MILK", tracking="lot"), ProductFactory(sku="PEN")
    today = timezone.localdate()

    def receive(warehouse, lot, days, quantity):
        receipt = document_create(
            doc_type="receipt",
            warehouse_id=warehouse.pk,
            lines=[LineInput(milk.pk, quantity, lot=lot, expires_on=today + timedelta(days=days))],
        )
        document_post(document_id=receipt.pk)

    receive(main, "SOON", 5, 4)
    receive(east, "SOON", 5, 6)  # one lot in two warehouses: one row, both quantities
    receive(main, "GONE", -2, 1)  # expired and still in stock: listed first
    receive(main, "LATER", 31, 9)  # past the window
    receive(main, "EMPTY", 1, 2)
    post("shipment", main, [(milk, 2)])  # first expiry first: GONE, then EMPTY's 1...
    post("receipt", main, [(pen, 10)])
    older = make_document("shipment", main, [(pen, 2)])
    document_reserve(document_id=older.pk)
    document_reserve(document_id=make_document("shipment", main, [(pen, 3)]).pk)
    make_document("shipment", main, [(pen, 1)])  # a draft, not reserved

    figures = dashboard_figures()
    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT l.code, sum(q.quantity) FROM lots l JOIN stock_quants q ON q.lot_id = l.id
               WHERE l.expires_on <= %s GROUP BY l.id, l.code, l.expires_on
               HAVING sum(q.quantity) > 0 ORDER BY l.expires_on, l.id""",
            [today + timedelta(days=30)],
        )
        expected = cursor.fetchall()
        cursor.execute("SELECT count(*) FROM documents WHERE status = 'reserved'")
        (reserved,) = cursor.fetchone()
    assert [(lot.code, lot.quantity) for lot in figures.expiring.soonest] == expected
    assert expected == [("EMPTY", 1), ("SOON", 10)]  # GONE went out first, then one of EMPTY
    assert figures.expiring.count == 2
    assert figures.reserved.count == reserved == 2
    assert figures.reserved.oldest == older.reservations.earliest("created_at").created_at

    page = manager_client.get("/admin/").content.decode()
    soon = figures.expiring.soonest[1]
    assert f'<td class="num dash-quantity">{soon.quantity}</td>' in page
    for link in (
        f"/admin/inventory/quant/?lot__id__exact={soon.id}&amp;in_stock=yes",
        "/admin/inventory/lot/?expiring_within=soon&amp;in_stock=yes",
        "/admin/documents/document/?status__exact=reserved",
    ):
        assert f'href="{link}"' in page, link
        listed = manager_client.get(link.replace("&amp;", "&"))
        assert listed.status_code == 200, link
    lots = manager_client.get("/admin/inventory/lot/?expiring_within=soon&in_stock=yes")
    assert lots.context["cl"].result_count == figures.expiring.count
    quants = manager_client.get(f"/admin/inventory/quant/?lot__id__exact={soon.id}&in_stock=yes")
    assert sum(q.quantity for q in quants.context["cl"].result_list) == soon.quantity
    documents = manager_client.get("/admin/documents/document/?status__exact=reserved")
    assert documents.context["cl"].result_count == figures.reserved.count
