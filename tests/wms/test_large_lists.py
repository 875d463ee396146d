"""Lists that stay flat at millions of rows, on small generated data (PostgreSQL): the admin's
changelists never count a whole table, keyset pages stay exact while rows are inserted, and
the queries a page costs do not grow with its size."""

import threading

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from documents.models import Document
from inventory.models import Product
from tests.inventory.load_data import SMALL
from tests.support.documents import make_document
from warehouses.models import Warehouse
from wms import admin_paging

pytestmark = pytest.mark.postgres

LISTS = (
    "/admin/documents/document/",
    "/admin/inventory/stockmovement/",
    "/admin/inventory/quant/",
    "/admin/inventory/lot/",
    "/admin/inventory/warehouseinventory/",
    "/admin/inventory/product/",
)


@pytest.fixture
def load_data(db):
    from django.core.management import call_command

    call_command("generate_load_data", *SMALL, "--no-reconcile")


def counts(queries) -> list[str]:
    return [q["sql"] for q in queries if "COUNT(*)" in q["sql"].upper()]


@pytest.mark.parametrize("url", LISTS)
def test_admin_lists_count_at_most_a_bounded_number_of_rows(load_data, admin_client, url):
    with CaptureQueriesContext(connection) as queries:
        response = admin_client.get(url)
    assert response.status_code == 200
    found = counts(queries.captured_queries)
    assert found, "the paginator counts (bounded)"
    for sql in found:
        assert f"LIMIT {admin_paging.EXACT_UP_TO + 1}" in sql, sql


def test_past_the_bound_the_list_shows_the_planner_estimate(load_data, admin_client, monkeypatch):
    monkeypatch.setattr(admin_paging, "EXACT_UP_TO", 10)
    with CaptureQueriesContext(connection) as queries:
        response = admin_client.get("/admin/inventory/stockmovement/")
    assert response.status_code == 200
    assert any(q["sql"].startswith("EXPLAIN (FORMAT JSON)") for q in queries.captured_queries)
    assert all("LIMIT 11" in sql for sql in counts(queries.captured_queries))
    shown = response.context["cl"].result_count
    assert shown > 10  # an estimate of the ~3,000 rows, not the bound


@pytest.mark.parametrize("url", ["/admin/documents/document/", "/admin/inventory/stockmovement/"])
def test_admin_list_queries_do_not_grow_with_the_page(load_data, admin_client, url, monkeypatch):
    sizes = {}
    for per_page in (5, 60):
        monkeypatch.setattr(
            "django.contrib.admin.options.ModelAdmin.list_per_page", per_page, raising=False
        )
        from django.contrib import admin

        model_admin = next(
            a for m, a in admin.site._registry.items() if url.endswith(f"/{m._meta.model_name}/")
        )
        monkeypatch.setattr(model_admin, "list_per_page", per_page)
        with CaptureQueriesContext(connection) as queries:
            assert admin_client.get(url).status_code == 200
        sizes[per_page] = len(queries.captured_queries)
    assert sizes[5] == sizes[60], sizes


@pytest.mark.parametrize("url", ["/api/v1/documents/", "/api/v1/movements/", "/api/v1/quants/"])
def test_api_page_queries_do_not_grow_with_the_page(load_data, manager_api, url):
    sizes = {}
    for page_size in (5, 100):
        with CaptureQueriesContext(connection) as queries:
            response = manager_api.get(url, {"page_size": page_size})
        assert response.status_code == 200 and len(response.json()["results"]) == page_size
        sizes[page_size] = len(queries.captured_queries)
    assert sizes[5] == sizes[100], sizes


@pytest.mark.django_db(transaction=True)
def test_keyset_pages_stay_exact_while_documents_are_inserted(manager_api):
    from django.core.management import call_command

    call_command("generate_load_data", *SMALL, "--no-reconcile")
    before = list(Document.objects.order_by("-id").values_list("id", flat=True))
    warehouse = Warehouse.objects.get(code="LG00")
    product = Product.objects.get(sku="LG-0000001")
    inserted, stop = [], threading.Event()

    def insert():
        try:
            while not stop.is_set():
                inserted.append(make_document("receipt", warehouse, [(product, 1)]).pk)
        finally:
            connection.close()

    writer = threading.Thread(target=insert)
    writer.start()
    try:
        seen, url, params = [], "/api/v1/documents/", {"page_size": 37}
        while url:
            page = manager_api.get(url, params).json()
            seen += [row["id"] for row in page["results"]]
            url, params = page["next"], None
    finally:
        stop.set()
        writer.join()
    assert inserted, "documents were inserted while paging"
    # Newest first from where the first page stood: every document once, none skipped.
    start = seen.index(before[0])
    assert seen[start:] == before
    assert len(seen) == len(set(seen))
    assert set(seen[:start]) <= set(inserted)
