"""Reads at a million documents and ten million ledger rows: p50/p95 and the plan's shape.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/wms_big DB_STATEMENT_TIMEOUT=0 \
        python manage.py generate_load_data            # once: ~12 min on 2 busy cores
    DATABASE_URL=... DB_STATEMENT_TIMEOUT=0 python bench/reads_at_scale.py [--repeat 15]

Each read runs --repeat times through its selector (the queryset the API and admin use) and,
where an endpoint exists, through Django's whole HTTP stack in-process (middleware, view,
serializer or admin template; no socket). The plan column names the indexes the selector's
main query reads (EXPLAIN; partitions folded into "xN partitions") or says "Seq Scan".
--only takes a substring of the reads' names.
"""

import argparse
import base64
import os
import re
import statistics
import sys
import time
from datetime import timedelta
from urllib.parse import urlencode

os.environ.setdefault("RATE_LIMIT_PER_MINUTE", "1000000")
# The in-process client speaks plain HTTP: no redirect to HTTPS (production sets it).
os.environ.setdefault("SECURE_SSL_REDIRECT", "False")
os.environ.setdefault("SESSION_COOKIE_SECURE", "False")

from django.contrib.auth import get_user_model  # noqa: E402
from django.core.cache import cache  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.models import Q  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402
from django_setup import ROOT  # noqa: E402, F401 - sets Django up

from documents.dashboard import STOCK_KEY, dashboard_figures  # noqa: E402
from documents.selectors import document_list  # noqa: E402
from inventory.models import Lot, Product, Quant, ReorderPoint, StockMovement  # noqa: E402
from inventory.selectors import (  # noqa: E402
    below_reorder_point,
    movement_list,
    quant_list,
    reorder_point_list,
    stock_as_of,
    stock_list,
    stock_mismatches,  # noqa: E402
    warehouse_stock_as_of,
)
from warehouses.models import Location, Warehouse  # noqa: E402
from warehouses.selectors import within_location  # noqa: E402
from wms.tokens import api_token_create  # noqa: E402

PAGE = 50
# --small: a tiny generated warehouse, enough for every read to run (bench/smoke.py).
SMALL = [
    *("--products", "60", "--warehouses", "4", "--zones", "3", "--aisles", "2"),
    *("--shelves", "3", "--documents", "400", "--movements", "3000"),
]


def cursor(position: int) -> str:
    """A REST framework cursor pointing after ``position`` (what `next` links carry)."""
    return base64.b64encode(urlencode({"p": str(position)}).encode()).decode()


def plan_shape(sql: str, params) -> str:
    with connection.cursor() as c:
        c.execute(f"EXPLAIN {sql}", params)
        text = "\n".join(row[0] for row in c.fetchall())
    found = re.findall(
        r"(Index Only Scan|Index Scan|Bitmap Index Scan|Seq Scan)"
        r"(?: Backward)?(?: using| on) (\S+)",
        text,
    )
    names: dict[str, int] = {}
    for kind, name in found:
        name = re.sub(
            r"stock_movements_y\d{4}m\d{2}\w*|stock_movements_default\w*",
            "stock_movements[part]",
            name,
        )
        key = f"{'Seq ' if kind == 'Seq Scan' else ''}{name}"
        names[key] = names.get(key, 0) + 1
    return ", ".join(
        f"{k} x{n} partitions" if "[part]" in k and n > 1 else k for k, n in names.items()
    )[:110]


def timed(call, repeat: int) -> tuple[float, float]:
    took = []
    for _ in range(repeat):
        started = time.perf_counter()
        call()
        took.append((time.perf_counter() - started) * 1000)
    took.sort()
    return statistics.median(took), took[min(len(took) - 1, round(0.95 * (len(took) - 1)))]


class Bench:
    def __init__(self, repeat: int, only: str | None, skip_admin: bool = False):
        self.repeat, self.only, self.skip_admin = repeat, only, skip_admin
        user = get_user_model().objects.filter(is_superuser=True).first()
        if user is None:
            user = get_user_model().objects.create_superuser("bench", "b@example.com", "x")
        self.admin = Client(HTTP_HOST="localhost")
        self.admin.force_login(user)
        key = api_token_create(user=user)
        self.api = Client(HTTP_HOST="localhost", HTTP_AUTHORIZATION=f"Token {key}")
        print(f"{'read':<52} {'p50 ms':>8} {'p95 ms':>8}  plan (selector) / HTTP status")

    def selector(self, name: str, make_queryset):
        """Time evaluating a queryset (a page of it); show its main query's plan."""
        if self.only and self.only not in name:
            return
        with CaptureQueriesContext(connection) as queries:
            list(make_queryset())
        main = max(queries.captured_queries, key=lambda q: len(q["sql"]))["sql"]
        p50, p95 = timed(lambda: list(make_queryset()), self.repeat)
        print(f"{name:<52} {p50:8.1f} {p95:8.1f}  {plan_shape(main, None)}")

    def call(self, name: str, call):
        if self.only and self.only not in name:
            return
        p50, p95 = timed(call, self.repeat)
        print(f"{name:<52} {p50:8.1f} {p95:8.1f}")

    def http(self, name: str, url: str, *, admin: bool = False):
        if (self.only and self.only not in name) or (admin and self.skip_admin):
            return
        client = self.admin if admin else self.api
        status = client.get(url).status_code
        p50, p95 = timed(lambda: client.get(url), self.repeat)
        print(f"{name:<52} {p50:8.1f} {p95:8.1f}  HTTP {status}  {url[:60]}")


def nth_or_last(queryset, n: int):
    """The n-th value of a values_list (page 5,000's first row at full size), else its last: a
    small database (--small) has no deep page."""
    found = list(queryset[n : n + 1])
    return found[0] if found else list(queryset.reverse()[:1])[0]


def documents(b: Bench):
    shipments = document_list().filter(status="posted", doc_type="shipment")
    deep_id = nth_or_last(shipments.values_list("id", flat=True), PAGE * 4999)
    b.selector("documents posted shipments, page 1", lambda: shipments[:PAGE])
    b.selector(
        "documents posted shipments, page 5,000 (keyset)",
        lambda: shipments.filter(id__lt=deep_id)[:PAGE],
    )
    url = "/api/v1/documents/?status=posted&doc_type=shipment"
    b.http("  HTTP documents page 1", url)
    b.http("  HTTP documents page 5,000 (cursor)", f"{url}&cursor={cursor(deep_id)}")
    far = (timezone.now() - timedelta(days=600)).isoformat()
    b.http(
        "  HTTP documents created_before 600 days ago",
        f"/api/v1/documents/?{urlencode({'created_before': far})}",
    )
    b.http("  admin documents list", "/admin/documents/document/", admin=True)
    b.http("  admin documents list, page 2,000", "/admin/documents/document/?p=2000", admin=True)
    b.http(
        "  admin documents, status+type filter",
        "/admin/documents/document/?status__exact=posted&doc_type__exact=shipment",
        admin=True,
    )
    reference = shipments.filter(id__lt=deep_id).values_list("reference", flat=True).first()
    b.http(
        "  admin documents search by reference",
        f"/admin/documents/document/?q={reference}",
        admin=True,
    )


def stock(b: Bench, warehouse: Warehouse, product: Product, zone: Location):
    b.selector(
        "stock of (warehouse, product)",
        lambda: stock_list().filter(warehouse_id=warehouse.pk, product_id=product.pk),
    )
    b.http(
        "  HTTP stock ?warehouse&product",
        f"/api/v1/stock/?warehouse={warehouse.pk}&product={product.pk}",
    )
    b.selector(
        "quants within a zone (subtree), first page",
        lambda: quant_list().filter(
            within_location(zone.pk, prefix="location__", warehouse_field="warehouse_id")
        )[:PAGE],
    )
    b.http("  HTTP quants ?within=zone", f"/api/v1/quants/?within={zone.pk}")
    b.selector(
        "below reorder point, first page", lambda: below_reorder_point(reorder_point_list())[:PAGE]
    )
    b.http("  HTTP stock numbered page 1", "/api/v1/stock/?page=1")
    b.http("  HTTP stock numbered page 1,000", "/api/v1/stock/?page=1000")


def search(b: Bench):
    for text in ("bolt 123", "LG-00123", "ound hinge 9"):
        b.selector(
            f"product search {text!r}",
            lambda t=text: Product.objects.filter(Q(name__icontains=t) | Q(sku__icontains=t))[
                :PAGE
            ],
        )
    b.http("  admin products search 'bolt 123'", "/admin/inventory/product/?q=bolt+123", admin=True)


def movements(b: Bench, warehouse, product, location, lot):
    for what, filters in (
        ("product", {"product_id": product.pk}),
        ("location", {"location_id": location.pk}),
        ("lot", {"lot_id": lot.pk}),
        ("warehouse", {"warehouse_id": warehouse.pk}),
    ):
        rows = movement_list().filter(**filters)
        b.selector(f"movements of one {what}, page 1", lambda r=rows: r[:PAGE])
        ids = list(rows.values_list("id", flat=True)[PAGE * 999 : PAGE * 999 + 1]) or list(
            rows.order_by("id").values_list("id", flat=True)[:1]
        )
        b.selector(
            f"movements of one {what}, deep page",
            lambda r=rows, i=ids[0]: r.filter(id__lt=i)[:PAGE],
        )
    b.http("  HTTP movements ?product", f"/api/v1/movements/?product={product.pk}")
    deep = nth_or_last(
        movement_list().filter(warehouse_id=warehouse.pk).values_list("id", flat=True), PAGE * 999
    )
    b.http(
        "  HTTP movements ?warehouse page 1,000 (cursor)",
        f"/api/v1/movements/?warehouse={warehouse.pk}&cursor={cursor(deep)}",
    )


def as_of(b: Bench, warehouse, product, location):
    at = timezone.now() - timedelta(days=300)
    b.selector(
        "as of: one product's stock rows",
        lambda: stock_as_of(stock_list().filter(product_id=product.pk), at),
    )
    b.selector(
        "as of: one location's quants", lambda: quant_list(as_of=at).filter(location_id=location.pk)
    )
    b.selector(
        "as of: one warehouse, first page of 50",
        lambda: stock_as_of(stock_list().filter(warehouse_id=warehouse.pk), at)[:PAGE],
    )
    b.selector(
        "as of: one warehouse, every stock row (per row)",
        lambda: stock_as_of(stock_list().filter(warehouse_id=warehouse.pk), at),
    )
    b.call(
        "as of: one warehouse, every product (set-based)",
        lambda: warehouse_stock_as_of(warehouse_id=warehouse.pk, moment=at),
    )
    b.http(
        "  HTTP stock ?as_of&product",
        f"/api/v1/stock/?{urlencode({'as_of': at.isoformat(), 'product': product.pk})}",
    )
    b.http(
        "  HTTP quants ?as_of&warehouse",
        f"/api/v1/quants/?{urlencode({'as_of': at.isoformat(), 'warehouse': warehouse.pk})}",
    )


def trivial(b: Bench):
    """What any read costs here and now: the ratios in BENCHMARKS.md are taken to these."""

    def select_one():
        with connection.cursor() as c:
            c.execute("SELECT 1")

    b.call("trivial: SELECT 1", select_one)
    b.http("  HTTP trivial: API root", "/api/v1/")


def staff(b: Bench):
    def dashboard_cold():
        cache.delete(f"{STOCK_KEY}:{timezone.localdate().isoformat()}")
        dashboard_figures()

    b.call("dashboard figures, stock figures read (cold)", dashboard_cold)
    b.call("dashboard figures (selector)", lambda: dashboard_figures())
    b.http("  admin index (dashboard)", "/admin/", admin=True)
    for name, url in (
        ("movements", "/admin/inventory/stockmovement/"),
        ("quants", "/admin/inventory/quant/"),
        ("lots", "/admin/inventory/lot/"),
        ("reorder points", "/admin/inventory/reorderpoint/"),
        ("stock", "/admin/inventory/warehouseinventory/"),
    ):
        b.http(f"  admin {name} list", url, admin=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--only", help="Run the reads whose name contains this.")
    parser.add_argument("--reconcile", action="store_true", help="Also time reconcile_stock.")
    parser.add_argument("--skip-admin", action="store_true", help="Leave the admin pages out.")
    parser.add_argument(
        "--small",
        action="store_true",
        help="Migrate and generate a tiny data set first if there is none (bench/smoke.py).",
    )
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("Set DATABASE_URL to the PostgreSQL database generate_load_data filled.")
    if args.small:
        call_command("migrate", verbosity=0)
        if not Warehouse.objects.filter(code="LG00").exists():
            call_command("generate_load_data", *SMALL, "--no-reconcile")
    # The same rows on every full-size run; the first of their kind on a small database.
    warehouse = Warehouse.objects.filter(code="LG03").first() or Warehouse.objects.get(code="LG00")
    product = (
        Product.objects.filter(sku="LG-0012345").first()
        or Quant.objects.filter(warehouse=warehouse).order_by("id").first().product
    )
    zone = Location.objects.filter(warehouse=warehouse, path__in=["Z002", "Z001"]).order_by(
        "-path"
    )[0]
    location = Quant.objects.filter(warehouse=warehouse, product=product).first().location
    lot = (
        Lot.objects.filter(product__sku="LG-0012340", code="LOT-3").first()
        or Lot.objects.filter(quants__warehouse=warehouse).order_by("id").first()
    )
    print(
        f"{StockMovement.objects.count():,} ledger rows; warehouse {warehouse.code}, "
        f"product {product.sku}, zone {zone.path}, {ReorderPoint.objects.count():,} reorder points"
    )
    b = Bench(args.repeat, args.only, args.skip_admin)
    trivial(b)
    documents(b)
    stock(b, warehouse, product, zone)
    search(b)
    movements(b, warehouse, product, location, lot)
    as_of(b, warehouse, product, location)
    staff(b)
    if args.reconcile:
        started = time.perf_counter()
        found = stock_mismatches()
        print(
            f"reconcile_stock, whole database: {time.perf_counter() - started:.1f} s, "
            f"{len(found)} mismatch(es)"
        )


if __name__ == "__main__":
    main()
