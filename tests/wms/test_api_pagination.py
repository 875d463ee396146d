"""Every list is paged: 50 rows by default, at most 100; documents and movements by keyset."""

import pytest

from documents.models import Document
from tests.factories import ProductFactory, WarehouseFactory
from tests.support.documents import make_document, post
from wms.pagination import INVALID_CURSOR

pytestmark = pytest.mark.django_db


def test_numbered_pages_default_to_50_and_cap_at_100(clerk_api):
    ProductFactory.create_batch(120)
    first = clerk_api.get("/api/v1/products/").json()
    assert set(first) == {"count", "next", "previous", "results"}
    assert first["count"] == 120
    assert len(first["results"]) == 50
    assert first["previous"] is None
    assert first["next"].endswith("/api/v1/products/?page=2")

    capped = clerk_api.get("/api/v1/products/?page_size=1000").json()
    assert len(capped["results"]) == 100
    last = clerk_api.get(capped["next"]).json()
    assert len(last["results"]) == 20
    assert last["next"] is None


@pytest.mark.parametrize("page_size", ["0", "-1", "abc", "1.5"])
def test_a_page_size_that_is_not_a_positive_integer_is_a_400(clerk_api, page_size):
    response = clerk_api.get(f"/api/v1/warehouses/?page_size={page_size}")
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["page_size"]


def test_a_page_past_the_end_is_a_404(clerk_api):
    WarehouseFactory()
    response = clerk_api.get("/api/v1/warehouses/?page=2")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_documents_page_by_keyset_newest_first(clerk_api, warehouse, product):
    documents = [make_document("receipt", warehouse, [(product, 1)]) for _ in range(5)]
    newest_first = [d.pk for d in reversed(documents)]

    first = clerk_api.get("/api/v1/documents/?page_size=2").json()
    assert set(first) == {"next", "previous", "results"}
    assert [d["id"] for d in first["results"]] == newest_first[:2]
    second = clerk_api.get(first["next"]).json()
    assert [d["id"] for d in second["results"]] == newest_first[2:4]
    third = clerk_api.get(second["next"]).json()
    assert [d["id"] for d in third["results"]] == newest_first[4:]
    assert third["next"] is None
    back = clerk_api.get(third["previous"]).json()
    assert [d["id"] for d in back["results"]] == newest_first[2:4]


def test_a_keyset_page_does_not_shift_when_new_rows_arrive(clerk_api, warehouse, product):
    for _ in range(3):
        make_document("receipt", warehouse, [(product, 1)])
    first = clerk_api.get("/api/v1/documents/?page_size=2").json()
    make_document("receipt", warehouse, [(product, 1)])
    second = clerk_api.get(first["next"]).json()
    assert [d["id"] for d in second["results"]] == [Document.objects.order_by("id").first().pk]


def test_movements_page_by_keyset(clerk_api, warehouse):
    products = ProductFactory.create_batch(3)
    post("receipt", warehouse, [(p, 1) for p in products])
    first = clerk_api.get("/api/v1/movements/?page_size=2").json()
    assert len(first["results"]) == 2
    assert len(clerk_api.get(first["next"]).json()["results"]) == 1


@pytest.mark.parametrize(
    "cursor", ["garbage", "cD1hYmM=", "cD0tNQ==", "cD05OTk5OTk5OTk5OTk5OTk5OTk5OQ=="]
)
def test_a_cursor_the_server_did_not_make_names_no_page(clerk_api, cursor):
    # Base64 of p=abc, p=-5 and p=99999999999999999999: positions that are not ids.
    response = clerk_api.get(f"/api/v1/movements/?cursor={cursor}")
    assert response.status_code == 404
    assert response.json() == {"detail": INVALID_CURSOR, "code": "not_found"}


@pytest.mark.parametrize("page", ["0", "-1", "abc", "last"])
def test_a_page_that_is_not_a_positive_integer_is_a_400(clerk_api, page):
    response = clerk_api.get(f"/api/v1/warehouses/?page={page}")
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["page"]


@pytest.mark.parametrize(
    "url",
    ["/api/v1/products/?page=", "/api/v1/products/?page_size=", "/api/v1/movements/?page_size="],
)
def test_an_empty_page_or_page_size_is_a_400(clerk_api, url):
    response = clerk_api.get(url)
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"


def test_a_first_page_that_is_not_full_is_counted_without_a_count_query(clerk_api, warehouse):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    products = ProductFactory.create_batch(3)
    post("receipt", warehouse, [(p, 5) for p in products])
    lookup = f"/api/v1/stock/?warehouse={warehouse.pk}&product={products[0].pk}"
    with CaptureQueriesContext(connection) as queries:
        one = clerk_api.get(lookup).json()
    assert one["count"] == 1 and len(one["results"]) == 1 and one["next"] is None
    assert not [q for q in queries if q["sql"].startswith("SELECT COUNT(*)")]

    none = clerk_api.get(f"/api/v1/stock/?warehouse={warehouse.pk}&product=999999").json()
    assert (none["count"], none["results"]) == (0, [])
    full = clerk_api.get(f"/api/v1/stock/?warehouse={warehouse.pk}&page_size=2").json()
    assert full["count"] == 3 and len(full["results"]) == 2
    assert full["next"].endswith("page=2&page_size=2") or "page=2" in full["next"]


def test_a_deep_numbered_page_reads_its_keys_first(clerk_api):
    """Past page 1 the OFFSET runs over the keys alone, then the page's rows are read by key:
    the same rows in the same order as one query would give, in a fixed number of queries."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    ProductFactory.create_batch(23)
    pages = []
    for number in (1, 2, 3, 4):
        with CaptureQueriesContext(connection) as queries:
            answer = clerk_api.get(f"/api/v1/products/?page_size=6&page={number}").json()
        pages += [row["id"] for row in answer["results"]]
        if number > 1:
            keys = [q["sql"] for q in queries.captured_queries if " OFFSET " in q["sql"]]
            assert len(keys) == 1, keys
            assert keys[0].startswith('SELECT "products"."id" AS "pk" FROM "products" ORDER'), keys
    from inventory.models import Product

    assert pages == list(Product.objects.order_by("sku").values_list("pk", flat=True))


def test_created_before_pages_newest_first_by_time(clerk_api, warehouse, product):
    """With created_before the keyset is created_at (ix_documents_created_at): pages in time
    order, ties included, stable while newer documents arrive; a forged cursor is a 404."""
    from datetime import UTC, datetime, timedelta

    documents = [make_document("receipt", warehouse, [(product, 1)]) for _ in range(7)]
    start = datetime(2024, 3, 1, tzinfo=UTC)
    # Times out of id order, two of them equal.
    offsets = [5, 1, 3, 3, 6, 0, 2]
    for document, days in zip(documents, offsets, strict=True):
        Document.objects.filter(pk=document.pk).update(created_at=start + timedelta(days=days))
    by_time = [
        d.pk
        for d in sorted(
            documents, key=lambda d: (start + timedelta(days=offsets[documents.index(d)]), d.pk)
        )
    ]
    url = "/api/v1/documents/?page_size=2&created_before=2024-03-08T00:00:00Z"
    seen, page = [], clerk_api.get(url).json()
    seen += [row["id"] for row in page["results"]]
    make_document("receipt", warehouse, [(product, 1)])  # newer: not in the range, no shift
    while page["next"]:
        page = clerk_api.get(page["next"]).json()
        seen += [row["id"] for row in page["results"]]
    assert len(seen) == 7 and set(seen) == set(by_time)
    times = [offsets[[d.pk for d in documents].index(pk)] for pk in seen]
    assert times == sorted(times, reverse=True)
    forged = "cD1ub3QtYS10aW1l"  # p=not-a-time
    assert clerk_api.get(f"{url}&cursor={forged}").status_code == 404
