"""The figures of the back office's start page, each a fixed number of queries.

The figures that sum the whole stock -- units and products per warehouse, reorder points
short, how many lots in stock expire soon -- read every stock row or lot (a million stock rows
at 100 k products x 10 warehouses, ~0.5 s): they are read at most once a minute
(STOCK_SECONDS, in the shared cache) and the page says when. The work waiting (drafts, reserved
documents, failures, the soonest lots expiring) is read on every visit from indexes named after
it.

Every figure is one aggregate query (the expiring lots: two, the soonest and how many; the
chart: one for the open days, one more once a day for the closed ones), whatever the number
of warehouses, documents or ledger rows; bench/dashboard_reads.py times them on a million
ledger rows.
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.core.cache import cache
from django.db.models import Count, Min
from django.utils import timezone

from documents.models import DocType, Document, PostingFailure, Status
from inventory.selectors import (
    EXPIRING_SOON_DAYS,
    below_reorder_point,
    ledger,
    lots_expiring_in_stock,
    reorder_point_list,
    stock_per_warehouse,
)
from warehouses.models import Warehouse

CHART_DAYS = 30
# Of the lots expiring soon (inventory.selectors.EXPIRING_SOON_DAYS), the soonest are named.
EXPIRING_SHOWN = 10
FAILURES_WINDOW = timedelta(days=1)
# A day's count is final once the day ended this long ago (no posting runs for longer).
SETTLE = timedelta(minutes=10)
CACHE_SECONDS = (CHART_DAYS + 1) * 24 * 3600
STOCK_SECONDS = 60
STOCK_KEY = "dashboard:stock"


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
class ExpiringLot:
    id: int
    code: str
    sku: str
    expires_on: date
    quantity: int
    expired: bool


@dataclass(frozen=True)
class Expiring:
    count: int  # every lot in stock expiring within ``days`` or expired
    soonest: list[ExpiringLot]  # the first EXPIRING_SHOWN of them, soonest first
    days: int


@dataclass(frozen=True)
class ReservedWaiting:
    count: int
    oldest: datetime | None  # when the longest-waiting reserved document was reserved


@dataclass(frozen=True)
class DayMovements:
    day: date
    movements: int


@dataclass(frozen=True)
class Dashboard:
    warehouses: list[WarehouseStock]
    short: int
    drafts: list[DraftsWaiting]
    reserved: ReservedWaiting
    expiring: Expiring
    failures: int
    days: list[DayMovements]
    since: datetime  # start of the failures window
    stock_read_at: datetime | None = None  # when the stock figures were read

    @property
    def busiest_day(self) -> int:
        return max((d.movements for d in self.days), default=0)


def dashboard_figures(*, now: datetime | None = None) -> Dashboard:
    now = now or timezone.now()
    today = timezone.localdate(now)
    warehouses, short, expiring, read_at = _stock_figures(now, today)
    return Dashboard(
        warehouses=warehouses,
        short=short,
        stock_read_at=read_at,
        drafts=_drafts_waiting(),
        reserved=_reserved_waiting(),
        expiring=lots_expiring(today=today, count=expiring),
        failures=PostingFailure.objects.filter(created_at__gte=now - FAILURES_WINDOW).count(),
        days=movements_per_day(now=now),
        since=now - FAILURES_WINDOW,
    )


def _stock_figures(now: datetime, today: date) -> tuple[list[WarehouseStock], int, int, datetime]:
    """(stock by warehouse, reorder points short, lots in stock expiring soon, when read): from
    the cache when read less than STOCK_SECONDS ago."""
    key = f"{STOCK_KEY}:{today.isoformat()}"
    found = cache.get(key)
    if found is None:
        short = below_reorder_point(reorder_point_list()).count()
        expiring = lots_expiring_in_stock(today=today).count()
        found = (_stock_by_warehouse(), short, expiring, now)
        cache.set(key, found, timeout=STOCK_SECONDS)
    return found


def _stock_by_warehouse() -> list[WarehouseStock]:
    sums = stock_per_warehouse()
    return [
        WarehouseStock(pk, code, name, *sums.get(pk, (0, 0)))
        for pk, code, name in Warehouse.objects.filter(is_active=True)
        .order_by("code")
        .values_list("id", "code", "name")
    ]


def _drafts_waiting() -> list[DraftsWaiting]:
    labels = dict(DocType.choices)
    rows = (
        Document.objects.filter(status=Status.DRAFT)
        .values_list("doc_type")
        .annotate(count=Count("id"), oldest=Min("created_at"))
        .order_by("doc_type")
    )
    return [DraftsWaiting(t, labels.get(t, t), n, oldest) for t, n, oldest in rows]


def _reserved_waiting() -> ReservedWaiting:
    """Reserved documents and how long the oldest has held its stock (reserved documents are
    few: the join reaches only their reservation rows)."""
    row = Document.objects.filter(status=Status.RESERVED).aggregate(
        count=Count("id", distinct=True), oldest=Min("reservations__created_at")
    )
    return ReservedWaiting(row["count"], row["oldest"])


def lots_expiring(*, today: date, count: int | None = None) -> Expiring:
    """The lots in stock expiring soon or expired, soonest first (ix_lots_expires_on, each
    lot's quants summed as it is read). Two queries; one when ``count`` is known."""
    lots = lots_expiring_in_stock(today=today)
    soonest = [
        ExpiringLot(pk, code, sku, expires_on, quantity, expires_on < today)
        for pk, code, sku, expires_on, quantity in lots.order_by("expires_on", "id").values_list(
            "pk", "code", "product__sku", "expires_on", "quantity"
        )[:EXPIRING_SHOWN]
    ]
    return Expiring(lots.count() if count is None else count, soonest, EXPIRING_SOON_DAYS)


def movements_per_day(*, now: datetime) -> list[DayMovements]:
    """Ledger rows per day (in the server's time zone) of the last CHART_DAYS days, today
    included, days without movements as 0.

    The ledger is append-only and each row is stamped when it is written, so a day that has
    ended (SETTLE ago, longer than any posting's transaction may last) never changes again:
    its count is read once and then kept in the cache. Only the days still open are counted
    each time, which is a range scan of today's rows instead of a month's.
    """
    today = timezone.localdate(now)
    days = [today - timedelta(days=n) for n in range(CHART_DAYS - 1, -1, -1)]
    closed = [d for d in days if _day_start(d + timedelta(days=1)) <= now - SETTLE]
    counts = _cached(closed)
    missing = [d for d in closed if d not in counts]
    if missing:
        found = _count_days(missing[0], missing[-1] + timedelta(days=1))
        fresh = {d: found.get(d, 0) for d in missing}
        cache.set_many({_key(d): n for d, n in fresh.items()}, timeout=CACHE_SECONDS)
        counts.update(fresh)
    open_days = [d for d in days if d not in closed]
    if open_days:
        counts.update(_count_days(open_days[0], None))
    return [DayMovements(day, counts.get(day, 0)) for day in days]


def _day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, datetime.min.time()))


def _key(day: date) -> str:
    return f"dashboard:movements:{timezone.get_current_timezone_name()}:{day.isoformat()}"


def _cached(days: list[date]) -> dict[date, int]:
    found = cache.get_many([_key(d) for d in days])
    return {d: found[_key(d)] for d in days if _key(d) in found}


def _count_days(first: date, end: date | None) -> dict[date, int]:
    """{day: ledger rows} from the start of ``first`` to the start of ``end`` (or now)."""
    return ledger.movements_per_day(
        since=_day_start(first), until=_day_start(end) if end is not None else None
    )
