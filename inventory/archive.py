"""Archiving the ledger's old months, and attaching them again (inventory/closings.py says
what an archive means for every read)."""

from datetime import UTC, date, datetime

from django.db import connection, transaction

from inventory.closings import LedgerArchive, LedgerClosedMonth, active_cut
from inventory.month_close import close_months
from inventory.partitions import (
    ARCHIVE_SCHEMA,
    DEFAULT,
    TABLE,
    TRIGGER,
    default_rows,
    is_partitioned,
    month_bound,
    month_start,
    next_month,
)
from wms.exceptions import DomainError


class ArchiveRefused(DomainError):
    code = "archive_refused"


def _months_before(cursor, cut: datetime) -> list[tuple[str, date]]:
    """The attached month partitions wholly before ``cut``: (name, month)."""
    cursor.execute(
        "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
        "WHERE i.inhparent = %s::regclass AND c.relname <> %s ORDER BY c.relname",
        [TABLE, DEFAULT],
    )
    found = []
    for (name,) in cursor.fetchall():
        month = date(int(name[-7:-3]), int(name[-2:]), 1)
        if next_month(month) <= cut.date():
            found.append((name, month))
    return found


def archive(before: date) -> tuple[datetime, list[str], int]:
    """Close the ledger at the first instant of ``before``'s month (UTC) and detach every month
    before it into the archive schema, in one transaction. (cut, partitions, closings)."""
    cut = datetime(before.year, before.month, 1, tzinfo=UTC)
    today = datetime.now(UTC).date()
    if cut.date() > month_start(today):
        raise ArchiveRefused("Only whole past months can be archived: the cut is in the future.")
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL statement_timeout = 0")
        if not is_partitioned(cursor):
            raise ArchiveRefused("The ledger is not partitioned: run `manage.py migrate`.")
        previous = active_cut()
        if previous and cut <= previous:
            raise ArchiveRefused(f"Movements before {previous:%Y-%m} are archived already.")
        # Postings (and other archive runs) wait while the months are closed and detached.
        cursor.execute(f"LOCK TABLE {TABLE} IN SHARE ROW EXCLUSIVE MODE")
        if default_rows(cursor):
            raise ArchiveRefused(
                f"{DEFAULT} holds movements: place them first (ledger_partitions)."
            )
        months = _months_before(cursor, cut)
        # Each quant's balance at the cut: the monthly closings (inventory/month_close.py),
        # made up to the cut here if the daily run has not made them yet.
        close_months(through=cut)
        # (Nothing recorded at the cut: no movement before it, so no quant held anything.)
        closed, _ = LedgerClosedMonth.objects.get_or_create(closed_at=cut, defaults={"closings": 0})
        closings = closed.closings
        cursor.execute(f"CREATE SCHEMA IF NOT EXISTS {ARCHIVE_SCHEMA}")
        for name, _ in months:
            cursor.execute(f"ALTER TABLE {TABLE} DETACH PARTITION {name}")
            cursor.execute(f"ALTER TABLE {name} SET SCHEMA {ARCHIVE_SCHEMA}")
            # Detaching drops the cloned trigger: archived movements stay append-only.
            cursor.execute(
                f"CREATE TRIGGER {TRIGGER} BEFORE UPDATE OR DELETE ON {ARCHIVE_SCHEMA}.{name} "
                f"FOR EACH ROW EXECUTE FUNCTION {TRIGGER}()"
            )
        names = [name for name, _ in months]
        LedgerArchive.objects.create(cut=cut, partitions=",".join(names))
    return cut, names, closings


def restore() -> list[str]:
    """Attach every archived month again, in one transaction. The closings stay: they are the
    balances at their instants, archived or not, and keep as-of reads one month long."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL statement_timeout = 0")
        cursor.execute(f"LOCK TABLE {TABLE} IN SHARE ROW EXCLUSIVE MODE")
        cursor.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = %s AND tablename LIKE %s "
            "ORDER BY tablename",
            [ARCHIVE_SCHEMA, f"{TABLE}_y%"],
        )
        names = [name for (name,) in cursor.fetchall()]
        for name in names:
            month = date(int(name[-7:-3]), int(name[-2:]), 1)
            cursor.execute(f"DROP TRIGGER {TRIGGER} ON {ARCHIVE_SCHEMA}.{name}")
            cursor.execute(f"ALTER TABLE {ARCHIVE_SCHEMA}.{name} SET SCHEMA {_schema(cursor)}")
            cursor.execute(
                f"ALTER TABLE {TABLE} ATTACH PARTITION {name} FOR VALUES "
                f"FROM ('{month_bound(month)}') TO ('{month_bound(next_month(month))}')"
            )
        LedgerArchive.objects.all().delete()
    return names


def _schema(cursor) -> str:
    cursor.execute("SELECT current_schema()")
    return cursor.fetchone()[0]
