"""The start page in a real browser: each figure is what the database holds, and its link
lists exactly the rows it counts."""

from datetime import timedelta
from unittest import mock

import pytest
from django.db.models import Count, Q, Sum
from django.utils import timezone

from documents.models import Document, PostingFailure, Status
from documents.services import LineInput, document_create, document_post, document_reserve
from inventory.models import Lot, ReorderPoint, StockMovement
from tests.browser.conftest import screenshot
from tests.browser.test_admin_in_browser import log_in
from tests.factories import ProductFactory, WarehouseFactory
from tests.support.documents import make_document, post
from tests.support.users import staff_user
from warehouses.models import Warehouse

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_the_dashboard_shows_what_the_database_holds(page, live_server):
    main, east = WarehouseFactory(code="MAIN"), WarehouseFactory(code="EAST")
    items = ProductFactory.create_batch(4)
    post("receipt", main, [(items[0], 10), (items[1], 3), (items[2], 8)])
    post("shipment", main, [(items[1], 3)])
    post("receipt", east, [(items[3], 40)])
    # The ledger is append-only: a posting of three days ago is made three days ago.
    with mock.patch.object(timezone, "now", return_value=timezone.now() - timedelta(days=3)):
        old = post("receipt", east, [(items[0], 2)])
    for warehouse, item, minimum in (
        (main, items[0], 12),
        (main, items[1], 1),
        (east, items[3], 5),
    ):
        ReorderPoint.objects.create(
            warehouse=warehouse, product=item, min_quantity=minimum, target_quantity=50
        )
    make_document("receipt", main, [(items[0], 1)])
    make_document("receipt", east, [(items[0], 1)])
    make_document("shipment", east, [(items[3], 1)])
    document_reserve(document_id=make_document("shipment", east, [(items[3], 2)]).pk)
    PostingFailure.objects.create(reason="insufficient_stock", doc_type="shipment")
    milk = ProductFactory(sku="MILK", tracking="lot")
    today = timezone.localdate()
    for code, days, quantity in (("SOON", 4, 6), ("LATER", 45, 3)):
        receipt = document_create(
            doc_type="receipt",
            warehouse_id=main.pk,
            lines=[LineInput(milk.pk, quantity, lot=code, expires_on=today + timedelta(days=days))],
        )
        document_post(document_id=receipt.pk)

    log_in(page, live_server, staff_user("Warehouse manager"))
    page.goto(f"{live_server.url}/admin/")
    screenshot(page, "20-dashboard")

    stock = Warehouse.objects.annotate(
        products=Count("stock", filter=Q(stock__quantity__gt=0)), units=Sum("stock__quantity")
    )
    for warehouse in stock:
        row = page.locator(f"#dash-stock tr[data-warehouse='{warehouse.code}']")
        assert row.locator(".dash-products").inner_text() == str(warehouse.products)
        assert row.locator(".dash-units").inner_text() == str(warehouse.units)

    short = sum(
        1
        for p in ReorderPoint.objects.all()
        if (main if p.warehouse_id == main.pk else east)
        .stock.filter(product=p.product, quantity__gte=p.min_quantity)
        .count()
        == 0
    )
    assert short == 2
    assert page.inner_text("#dash-short strong") == str(short)
    assert page.inner_text("#dash-failures strong") == str(PostingFailure.objects.count())
    for doc_type in ("receipt", "shipment"):
        drafts = Document.objects.filter(status=Status.DRAFT, doc_type=doc_type).count()
        shown = page.locator(f"li[data-doc-type='{doc_type}'] strong").inner_text()
        assert shown == str(drafts)

    reserved = Document.objects.filter(status=Status.RESERVED)
    assert page.inner_text("#dash-reserved strong") == str(reserved.count()) == "1"
    expiring = Lot.objects.filter(
        expires_on__lte=today + timedelta(days=30), quants__quantity__gt=0
    ).annotate(held=Sum("quants__quantity"))
    assert page.inner_text("#dash-expiring-all strong") == str(expiring.count()) == "1"
    soon = expiring.get()
    row = page.locator(f"#dash-expiring tr[data-lot='{soon.pk}']")
    assert row.locator(".dash-quantity").inner_text() == str(soon.held) == "6"
    assert row.locator(".dash-lot").inner_text() == "SOON"

    bars = page.locator(".dash-day")
    assert bars.count() == 30
    shown = {
        bars.nth(n).get_attribute("data-day"): int(bars.nth(n).get_attribute("data-count"))
        for n in range(30)
    }
    assert shown[today.isoformat()] == StockMovement.objects.filter(created_at__date=today).count()
    three = (today - timedelta(days=3)).isoformat()
    assert shown[three] == StockMovement.objects.filter(document=old).count() == 1
    assert sum(shown.values()) == StockMovement.objects.count()

    for link, rows in (
        ("#dash-short", short),
        ("li[data-doc-type='receipt'] a", 2),
        (f".dash-day[data-day='{three}']", 1),
        ("#dash-failures", 1),
        ("#dash-reserved", 1),
        ("#dash-expiring-all", 1),
        (f"#dash-expiring tr[data-lot='{soon.pk}'] a", 1),
    ):
        page.goto(f"{live_server.url}/admin/")
        with page.expect_navigation():
            page.click(link)
        assert page.locator("#result_list tbody tr").count() == rows, link
