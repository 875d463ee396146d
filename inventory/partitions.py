"""The ledger's monthly partitions on PostgreSQL (SQLite keeps one plain table).

``stock_movements`` is partitioned by range of ``created_at``, one partition per calendar month
in UTC (``stock_movements_y2026m12``), plus ``stock_movements_default`` for anything no month
takes (wms/partitions.py makes and lists them, for the audit trail too). Its primary key is
(id, created_at): PostgreSQL requires the partition key in every unique index. ``id`` still
comes from one sequence, so it stays unique in practice and Django keeps treating it as the
primary key. Every index and CHECK is declared on the parent, so each partition has them, and
the append-only trigger on the parent is cloned onto each partition. Nothing holds a foreign
key into the ledger.
"""

from datetime import date

from wms.partitions import ARCHIVE_SCHEMA, MonthlyTable, month_start, next_month

__all__ = [
    "ARCHIVE_SCHEMA",
    "DEFAULT",
    "LEDGER",
    "TABLE",
    "TRIGGER",
    "create_month",
    "ensure_months",
    "is_partitioned",
    "month_start",
    "next_month",
    "partition_name",
]

TRIGGER = "stock_movements_append_only"
LEDGER = MonthlyTable(
    "stock_movements",
    archived_trigger=TRIGGER,
    archived_guard=(
        f"CREATE TRIGGER {TRIGGER} BEFORE UPDATE OR DELETE ON {{name}} "
        f"FOR EACH ROW EXECUTE FUNCTION {TRIGGER}()"
    ),
)
TABLE = LEDGER.table
DEFAULT = LEDGER.default


def partition_name(month: date) -> str:
    return LEDGER.partition_name(month)


def is_partitioned(cursor) -> bool:
    return LEDGER.is_partitioned(cursor)


def create_month(cursor, month: date) -> bool:
    return LEDGER.create_month(cursor, month)


def ensure_months(cursor, first: date, months: int) -> list[str]:
    return LEDGER.ensure_months(cursor, first, months)
