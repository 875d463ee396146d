"""The figures of the back office's start page, each a fixed number of queries.

Every figure is one aggregate query, whatever the number of warehouses, documents or ledger
rows; bench/dashboard_reads.py times them on a million ledger rows.
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db.models import Count, Min, Q, Sum
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone

from documents.models import DocType, Document, PostingFailure, Status
from inventory.models import StockMovement
from inventory.selectors import below_reorder_point, reorder_point_list
from warehouses.models import Warehouse

CHART_DAYS = 30
FAILURES_WINDOW = timedelta(days=1)


@dataclass(frozen=True)
class WarehouseStock:
    id: int
    code: str
    name: str
    products: int  # products with stock above zero
    units: int


@dataclass(frozen=True)
class DraftsWaiting:
    doc_type: str
    label: str
    count: int
    oldest: datetime


@dataclass(frozen=True)
class DayMovements:
    day: date
    movements: int


@dataclass(frozen=True)
class Dashboard:
    warehouses: list[WarehouseStock]
    short: int
    drafts: list[DraftsWaiting]
    failures: int
    days: list[DayMovements]
    since: datetime  # start of the failures window

    @property
    def busiest_day(self) -> int:
        return max((d.movements for d in self.days), default=0)


def dashboard_figures(*, now: datetime | None = None) -> Dashboard:
    now = now or timezone.now()
    return Dashboard(
        warehouses=_stock_by_warehouse(),
        short=below_reorder_point(reorder_point_list()).count(),
        drafts=_drafts_waiting(),
        failures=PostingFailure.objects.filter(created_at__gte=now - FAILURES_WINDOW).count(),
        days=movements_per_day(now=now),
        since=now - FAILURES_WINDOW,
    )


def _stock_by_warehouse() -> list[WarehouseStock]:
    rows = (
        Warehouse.objects.filter(is_active=True)
        .annotate(
            products=Count("stock", filter=Q(stock__quantity__gt=0)),
            units=Coalesce(Sum("stock__quantity"), 0),
        )
        .order_by("code")
        .values_list("id", "code", "name", "products", "units")
    )
    return [WarehouseStock(*row) for row in rows]


def _drafts_waiting() -> list[DraftsWaiting]:
    labels = dict(DocType.choices)
    rows = (
        Document.objects.filter(status=Status.DRAFT)
        .values_list("doc_type")
        .annotate(count=Count("id"), oldest=Min("created_at"))
        .order_by("doc_type")
    )
    return [DraftsWaiting(t, labels.get(t, t), n, oldest) for t, n, oldest in rows]


def movements_per_day(*, now: datetime) -> list[DayMovements]:
    """Ledger rows per day (in the server's time zone) of the last CHART_DAYS days, today
    included, days without movements as 0."""
    today = timezone.localdate(now)
    first = today - timedelta(days=CHART_DAYS - 1)
    start = timezone.make_aware(datetime.combine(first, datetime.min.time()))
    counts = dict(
        StockMovement.objects.filter(created_at__gte=start)
        .annotate(day=TruncDate("created_at"))
        .values_list("day")
        .annotate(n=Count("id"))
        .order_by()
    )
    return [
        DayMovements(day, counts.get(day, 0))
        for day in (first + timedelta(days=n) for n in range(CHART_DAYS))
    ]
