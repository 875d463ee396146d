"""Archiving the ledger's old months, and attaching them again (inventory/closings.py says
what an archive means for every read)."""

from datetime import UTC, date, datetime

from django.db import connection, transaction

from inventory.closings import LedgerArchive, LedgerClosedMonth, active_cut
from inventory.month_close import close_months
from inventory.partitions import DEFAULT, LEDGER, TABLE
from wms.exceptions import DomainError
from wms.partitions import month_start


class ArchiveRefused(DomainError):
    code = "archive_refused"


def archive(before: date) -> tuple[datetime, list[str], int]:
    """Close the ledger at the first instant of ``before``'s month (UTC) and detach every month
    before it into the archive schema, in one transaction. (cut, partitions, closings)."""
    cut = datetime(before.year, before.month, 1, tzinfo=UTC)
    today = datetime.now(UTC).date()
    if cut.date() > month_start(today):
        raise ArchiveRefused("Only whole past months can be archived: the cut is in the future.")
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL statement_timeout = 0")
        if not LEDGER.is_partitioned(cursor):
            raise ArchiveRefused("The ledger is not partitioned: run `manage.py migrate`.")
        previous = active_cut()
        if previous and cut <= previous:
            raise ArchiveRefused(f"Movements before {previous:%Y-%m} are archived already.")
        # Postings (and other archive runs) wait while the months are closed and detached.
        cursor.execute(f"LOCK TABLE {TABLE} IN SHARE ROW EXCLUSIVE MODE")
        if LEDGER.default_rows(cursor):
            raise ArchiveRefused(
                f"{DEFAULT} holds movements: place them first (ledger_partitions)."
            )
        months = LEDGER.months_before(cursor, cut.date())
        # Each quant's balance at the cut: the monthly closings (inventory/month_close.py),
        # made up to the cut here if the daily run has not made them yet.
        close_months(through=cut)
        # (Nothing recorded at the cut: no movement before it, so no quant held anything.)
        closed, _ = LedgerClosedMonth.objects.get_or_create(closed_at=cut, defaults={"closings": 0})
        closings = closed.closings
        for name, _ in months:
            LEDGER.detach(cursor, name)  # archived movements stay append-only
        names = [name for name, _ in months]
        LedgerArchive.objects.create(cut=cut, partitions=",".join(names))
    return cut, names, closings


def restore() -> list[str]:
    """Attach every archived month again, in one transaction. The closings stay: they are the
    balances at their instants, archived or not, and keep as-of reads one month long."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL statement_timeout = 0")
        names = LEDGER.attach_archived(cursor)
        LedgerArchive.objects.all().delete()
    return names
