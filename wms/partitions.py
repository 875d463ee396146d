"""Tables partitioned by calendar month on PostgreSQL (SQLite keeps plain tables).

A monthly table is partitioned by range of ``created_at``, one partition per month in UTC
(``<table>_y2026m12``) plus ``<table>_default`` for anything no month takes. Its unique keys
include ``created_at`` (PostgreSQL requires the partition key in every unique index). Each app
declares its tables (inventory: the ledger; audit: the trail) and registers them when it is
ready, so that ``ledger_partitions`` and ``check_db`` see every one without importing the apps.
Past months may be detached into the ``archive`` schema, never dropped, and attached again.
"""

from dataclasses import dataclass
from datetime import UTC, date, datetime

ARCHIVE_SCHEMA = "archive"


def month_start(day: date) -> date:
    return date(day.year, day.month, 1)


def next_month(day: date) -> date:
    return date(day.year + day.month // 12, day.month % 12 + 1, 1)


def month_bound(month: date) -> str:
    return datetime(month.year, month.month, 1, tzinfo=UTC).isoformat()


def month_of(name: str) -> date:
    """The month of a partition named ``..._y2026m12``."""
    return date(int(name[-7:-3]), int(name[-2:]), 1)


def current_schema(cursor) -> str:
    cursor.execute("SELECT current_schema()")
    return cursor.fetchone()[0]


@dataclass(frozen=True)
class Partition:
    name: str
    bounds: str
    rows: int  # the planner's estimate (pg_class.reltuples), exact for the DEFAULT partition
    bytes: int


@dataclass(frozen=True)
class MonthlyTable:
    table: str
    # What a partition does not inherit from its parent (statement-level triggers), run on each
    # partition made; ``{name}`` is the partition.
    each_partition: tuple[str, ...] = ()
    # The trigger that keeps a month append-only once detached into the archive schema (its
    # cloned row triggers go with the detachment): its name and ``CREATE TRIGGER`` on ``{name}``.
    archived_trigger: str = ""
    archived_guard: str = ""

    @property
    def default(self) -> str:
        return f"{self.table}_default"

    def partition_name(self, month: date) -> str:
        return f"{self.table}_y{month.year:04d}m{month.month:02d}"

    def is_partitioned(self, cursor) -> bool:
        cursor.execute(
            "SELECT EXISTS (SELECT 1 FROM pg_partitioned_table p JOIN pg_class c"
            " ON c.oid = p.partrelid WHERE c.relname = %s"
            " AND c.relnamespace = current_schema()::regnamespace)",
            [self.table],
        )
        return cursor.fetchone()[0]

    def create_month(self, cursor, month: date, *, parent: str | None = None) -> bool:
        """Make the partition of ``month`` if missing; True if it was made. Fails (and changes
        nothing) if the DEFAULT partition holds rows of that month: default_rows says so.
        Under another ``parent`` (a conversion's new table) ``each_partition`` is left to the
        caller, who runs it once the parent has its final name (``finish_partitions``)."""
        name = self.partition_name(month)
        cursor.execute("SELECT to_regclass(%s) IS NOT NULL", [name])
        if cursor.fetchone()[0]:
            return False
        cursor.execute(
            f"CREATE TABLE {name} PARTITION OF {parent or self.table} "
            f"FOR VALUES FROM ('{month_bound(month)}') TO ('{month_bound(next_month(month))}')"
        )
        if parent is None:
            self._finish(cursor, name)
        return True

    def ensure_months(
        self, cursor, first: date, months: int, *, parent: str | None = None
    ) -> list[str]:
        """Make the partitions of ``months`` months from ``first``'s; the names made."""
        made, month = [], month_start(first)
        for _ in range(months):
            if self.create_month(cursor, month, parent=parent):
                made.append(self.partition_name(month))
            month = next_month(month)
        return made

    def _finish(self, cursor, name: str) -> None:
        for statement in self.each_partition:
            cursor.execute(statement.format(name=name))

    def finish_partitions(self, cursor) -> None:
        """Run ``each_partition`` on every attached partition (idempotent statements)."""
        for partition in self._attached(cursor):
            self._finish(cursor, partition)

    def _attached(self, cursor) -> list[str]:
        cursor.execute(
            "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
            "WHERE i.inhparent = %s::regclass ORDER BY c.relname = %s, c.relname",
            [self.table, self.default],
        )
        return [name for (name,) in cursor.fetchall()]

    def partitions(self, cursor) -> list[Partition]:
        """The attached partitions, oldest first, DEFAULT last."""
        cursor.execute(
            """
            SELECT c.relname, pg_get_expr(c.relpartbound, c.oid),
                   GREATEST(c.reltuples, 0)::bigint, pg_total_relation_size(c.oid)
            FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
            WHERE i.inhparent = %s::regclass
            ORDER BY c.relname = %s, c.relname
            """,
            [self.table, self.default],
        )
        found = [Partition(*row) for row in cursor.fetchall()]
        rows = self.default_rows(cursor)
        return [
            p if p.name != self.default else Partition(p.name, p.bounds, rows, p.bytes)
            for p in found
        ]

    def default_rows(self, cursor) -> int:
        """Rows in the DEFAULT partition: rows no month partition takes (0 when healthy)."""
        cursor.execute("SELECT to_regclass(%s) IS NOT NULL", [self.default])
        if not cursor.fetchone()[0]:
            return 0
        cursor.execute(f"SELECT COUNT(*) FROM {self.default}")
        return cursor.fetchone()[0]

    def months_before(self, cursor, cut: date) -> list[tuple[str, date]]:
        """The attached month partitions wholly before ``cut``: (name, month), oldest first."""
        found = []
        for name in self._attached(cursor):
            if name != self.default and next_month(month_of(name)) <= cut:
                found.append((name, month_of(name)))
        return found

    def archived(self, cursor) -> list[str]:
        """The months detached into the archive schema, oldest first."""
        cursor.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = %s AND tablename LIKE %s "
            "ORDER BY tablename",
            [ARCHIVE_SCHEMA, f"{self.table}\\_y%"],
        )
        return [name for (name,) in cursor.fetchall()]

    def detach(self, cursor, name: str) -> None:
        """Detach a month into the archive schema, guarded there by ``archived_guard``."""
        cursor.execute(f"CREATE SCHEMA IF NOT EXISTS {ARCHIVE_SCHEMA}")
        cursor.execute(f"ALTER TABLE {self.table} DETACH PARTITION {name}")
        cursor.execute(f"ALTER TABLE {name} SET SCHEMA {ARCHIVE_SCHEMA}")
        cursor.execute(self.archived_guard.format(name=f"{ARCHIVE_SCHEMA}.{name}"))

    def attach_archived(self, cursor) -> list[str]:
        """Attach every archived month again, oldest first (in the caller's transaction: writers
        wait); the names. Each drops its archive-only trigger: attaching clones the parent's."""
        cursor.execute(f"LOCK TABLE {self.table} IN SHARE ROW EXCLUSIVE MODE")
        names = self.archived(cursor)
        schema = current_schema(cursor)
        for name in names:
            month = month_of(name)
            cursor.execute(f"DROP TRIGGER {self.archived_trigger} ON {ARCHIVE_SCHEMA}.{name}")
            cursor.execute(f"ALTER TABLE {ARCHIVE_SCHEMA}.{name} SET SCHEMA {schema}")
            cursor.execute(
                f"ALTER TABLE {self.table} ATTACH PARTITION {name} FOR VALUES "
                f"FROM ('{month_bound(month)}') TO ('{month_bound(next_month(month))}')"
            )
        return names


_REGISTERED: dict[str, MonthlyTable] = {}


def register(table: MonthlyTable) -> MonthlyTable:
    _REGISTERED[table.table] = table
    return table


def registered() -> list[MonthlyTable]:
    """Every monthly table the installed apps declared, in the order they were registered."""
    return list(_REGISTERED.values())
