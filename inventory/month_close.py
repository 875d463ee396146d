"""Closing the ledger month by month (inventory/closings.py says what a closing is for).

``close_months`` writes, for each month that ended at least ``SETTLE`` ago and is not closed
yet, oldest first, the closings at the first instant of the next month: each quant's closing at
the month's start, replaced by ``balance_after`` of its last row of the month where it moved --
one month's rows (one partition) and one month's closings per step, never the whole ledger.
Posting is not slowed: nothing is written when a document is posted, and a closed month is never
written to again (rows are stamped when they are written; SETTLE is longer than any posting's
transaction may stay open, as for the dashboard's closed days).

PostgreSQL only (DISTINCT ON); on SQLite nothing is closed and as-of reads the ledger itself.
"""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.db import connection, transaction
from django.utils import timezone

from inventory.closings import LedgerClosedMonth, LedgerClosing, active_cut
from inventory.partitions import TABLE, next_month
from wms.exceptions import DomainError

# A month is closed this long after it ended, no sooner.
SETTLE = timedelta(hours=1)
# Held for the length of a closing run: two runs never close the same month twice.
LOCK_KEY = 0x4C45444745  # "LEDGE"

CLOSE_MONTH = f"""
INSERT INTO ledger_closings (quant_id, warehouse_id, product_id, closed_at, balance)
SELECT COALESCE(m.quant_id, c.quant_id), COALESCE(m.warehouse_id, c.warehouse_id),
       COALESCE(m.product_id, c.product_id), %(end)s, COALESCE(m.balance_after, c.balance)
FROM (SELECT DISTINCT ON (quant_id) quant_id, warehouse_id, product_id, balance_after
      FROM {TABLE} WHERE created_at >= %(start)s AND created_at < %(end)s
      ORDER BY quant_id, created_at DESC, id DESC) m
FULL OUTER JOIN (SELECT quant_id, warehouse_id, product_id, balance
                 FROM ledger_closings WHERE closed_at = %(start)s) c
    ON c.quant_id = m.quant_id
WHERE COALESCE(m.balance_after, c.balance) > 0
"""


class ClosingRefused(DomainError):
    code = "closing_refused"


@dataclass(frozen=True)
class Closed:
    closed_at: datetime
    closings: int


def month_instant(moment: datetime) -> datetime:
    """The first instant (UTC) of ``moment``'s month."""
    moment = moment.astimezone(UTC)
    return datetime(moment.year, moment.month, 1, tzinfo=UTC)


def _following(instant: datetime) -> datetime:
    month = next_month(instant.date())
    return datetime(month.year, month.month, 1, tzinfo=UTC)


def close_months(*, now: datetime | None = None, through: datetime | None = None) -> list[Closed]:
    """Close every month not closed yet that ended SETTLE before ``now`` (or, ``through`` given,
    up to that instant, for a caller that holds the ledger locked), oldest first, in one
    transaction; the instants closed. The first run also records the month start of the
    ledger's oldest attached row, with no closing: nothing moved before it."""
    if connection.vendor != "postgresql":
        return []
    limit = through or month_instant((now or timezone.now()) - SETTLE)
    done = []
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL statement_timeout = 0")
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [LOCK_KEY])
        last = LedgerClosedMonth.objects.order_by("-closed_at").values_list("closed_at", flat=True)
        last = last.first()
        if last is None:
            cursor.execute(f"SELECT min(created_at) FROM {TABLE}")
            oldest = cursor.fetchone()[0]
            if oldest is None or month_instant(oldest) > limit:
                return []
            last = month_instant(oldest)
            LedgerClosedMonth.objects.create(closed_at=last, closings=0)
            done.append(Closed(last, 0))
        while (end := _following(last)) <= limit:
            cursor.execute(CLOSE_MONTH, {"start": last, "end": end})
            LedgerClosedMonth.objects.create(closed_at=end, closings=cursor.rowcount)
            done.append(Closed(end, cursor.rowcount))
            last = end
    return done


def reopen_after(instant: datetime) -> int:
    """Forget the closings after ``instant`` (movements were added behind them, as the load
    generator does); the closed months forgotten. Refused inside an archived period."""
    cut = active_cut()
    if cut is not None and instant < cut:
        raise ClosingRefused(f"Movements before {cut:%Y-%m} are archived: nothing is reopened.")
    with transaction.atomic():
        LedgerClosing.objects.filter(closed_at__gt=instant).delete()
        forgotten, _ = LedgerClosedMonth.objects.filter(closed_at__gt=instant).delete()
    return forgotten
