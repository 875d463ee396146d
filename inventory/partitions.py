"""The ledger's monthly partitions on PostgreSQL (SQLite keeps one plain table).

``stock_movements`` is partitioned by range of ``created_at``, one partition per calendar month
in UTC (``stock_movements_y2026m12``), plus ``stock_movements_default`` for anything no month
takes. Its primary key is (id, created_at): PostgreSQL requires the partition key in every
unique index. ``id`` still comes from one sequence, so it stays unique in practice and Django
keeps treating it as the primary key. Every index and CHECK is declared on the parent, so each
partition has them, and the append-only trigger on the parent is cloned onto each partition.
Nothing holds a foreign key into the ledger.
"""

from dataclasses import dataclass
from datetime import UTC, date, datetime

TABLE = "stock_movements"
DEFAULT = f"{TABLE}_default"
ARCHIVE_SCHEMA = "archive"
TRIGGER = "stock_movements_append_only"


def month_start(day: date) -> date:
    return date(day.year, day.month, 1)


def next_month(day: date) -> date:
    return date(day.year + day.month // 12, day.month % 12 + 1, 1)


def partition_name(month: date) -> str:
    return f"{TABLE}_y{month.year:04d}m{month.month:02d}"


def month_bound(month: date) -> str:
    return datetime(month.year, month.month, 1, tzinfo=UTC).isoformat()


def is_partitioned(cursor) -> bool:
    cursor.execute(
        "SELECT EXISTS (SELECT 1 FROM pg_partitioned_table p JOIN pg_class c ON c.oid = p.partrelid"
        " WHERE c.relname = %s AND c.relnamespace = current_schema()::regnamespace)",
        [TABLE],
    )
    return cursor.fetchone()[0]


def create_month(cursor, month: date, *, table: str = TABLE) -> bool:
    """Make the partition of ``month`` if missing; True if it was made. Fails (and changes
    nothing) if the DEFAULT partition holds rows of that month: report_default says which."""
    name = partition_name(month)
    cursor.execute("SELECT to_regclass(%s) IS NOT NULL", [name])
    if cursor.fetchone()[0]:
        return False
    cursor.execute(
        f"CREATE TABLE {name} PARTITION OF {table} "
        f"FOR VALUES FROM ('{month_bound(month)}') TO ('{month_bound(next_month(month))}')"
    )
    return True


def ensure_months(cursor, first: date, months: int, *, table: str = TABLE) -> list[str]:
    """Make the partitions of ``months`` months from ``first``'s; the names made."""
    made, month = [], month_start(first)
    for _ in range(months):
        if create_month(cursor, month, table=table):
            made.append(partition_name(month))
        month = next_month(month)
    return made


@dataclass(frozen=True)
class Partition:
    name: str
    bounds: str
    rows: int  # the planner's estimate (pg_class.reltuples), exact for the DEFAULT partition
    bytes: int


def partitions(cursor) -> list[Partition]:
    """The ledger's attached partitions, oldest first, DEFAULT last."""
    cursor.execute(
        """
        SELECT c.relname, pg_get_expr(c.relpartbound, c.oid), GREATEST(c.reltuples, 0)::bigint,
               pg_total_relation_size(c.oid)
        FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
        WHERE i.inhparent = %s::regclass
        ORDER BY c.relname = %s, c.relname
        """,
        [TABLE, DEFAULT],
    )
    found = [Partition(*row) for row in cursor.fetchall()]
    rows = default_rows(cursor)
    return [p if p.name != DEFAULT else Partition(p.name, p.bounds, rows, p.bytes) for p in found]


def default_rows(cursor) -> int:
    """Rows in the DEFAULT partition: movements no month partition takes (0 when healthy)."""
    cursor.execute("SELECT to_regclass(%s) IS NOT NULL", [DEFAULT])
    if not cursor.fetchone()[0]:
        return 0
    cursor.execute(f"SELECT COUNT(*) FROM {DEFAULT}")
    return cursor.fetchone()[0]
