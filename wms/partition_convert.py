"""Converting a populated table between a plain table and the monthly partitioned one.

Used by the migrations that partition the ledger (inventory 0010) and the audit trail (audit
0004), both ways. The conversion builds the new table beside the old one and swaps names at
the end, in the migration's one transaction:

1. ``LOCK <table> IN SHARE MODE``: reads go on, writers wait (they queue on the lock, and a
   request past its lock_timeout answers 409) while the rows are copied;
2. the new table (and, partitioned, one partition per month the rows span, the current and next
   months and DEFAULT) gets every row, then its indexes (under temporary names), CHECKs,
   foreign keys and unique constraints, copied from the catalog so every name is kept; a unique
   constraint gains ``created_at`` on the way to the partitioned table and loses it back;
3. the old table is dropped and the new one takes its name, its indexes' names and an id
   sequence; ``after_swap`` then puts back what the table's owner app installs on it (its
   triggers): only this last step (milliseconds) holds reads back.

If anything fails the transaction rolls back and the old table is as it was.
"""

from collections.abc import Callable
from datetime import UTC, datetime

from wms.partitions import ARCHIVE_SCHEMA, MonthlyTable, current_schema, month_start

KEY = "created_at"


def _catalog(cursor, table: str):
    """(indexes, constraints, uniques) of ``table`` as [(name, definition)]: the indexes that
    back no constraint, CHECKs and foreign keys, unique constraints; the primary key left out."""
    cursor.execute(
        """
        SELECT i.relname, pg_get_indexdef(x.indexrelid) FROM pg_index x
        JOIN pg_class i ON i.oid = x.indexrelid
        WHERE x.indrelid = %s::regclass AND NOT x.indisprimary
          AND NOT EXISTS (SELECT 1 FROM pg_constraint c
                          WHERE c.conindid = x.indexrelid AND c.conrelid = x.indrelid)
        ORDER BY i.relname
        """,
        [table],
    )
    indexes = cursor.fetchall()
    found = {}
    for kind in ("cf", "u"):
        cursor.execute(
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE conrelid = %s::regclass AND contype::text = ANY(%s) ORDER BY conname",
            [table, list(kind)],
        )
        found[kind] = cursor.fetchall()
    return indexes, found["cf"], found["u"]


def _unique(definition: str, partitioned: bool) -> str:
    """``UNIQUE (a)`` and ``UNIQUE (a, created_at)``, one into the other."""
    columns = definition.removeprefix("UNIQUE (").removesuffix(")")
    if partitioned:
        return f"UNIQUE ({columns}, {KEY})"
    return f"UNIQUE ({columns.removesuffix(f', {KEY}')})"


def _copy_structure(cursor, table: str, catalog, primary_key: str, partitioned: bool) -> None:
    indexes, constraints, uniques = catalog
    new = f"{table}_new"
    cursor.execute(f"INSERT INTO {new} SELECT * FROM {table}")
    cursor.execute(
        f"ALTER TABLE {new} ADD CONSTRAINT {table}_pkey__new PRIMARY KEY ({primary_key})"
    )
    qualified = f" ON {current_schema(cursor)}.{table} "
    for name, definition in indexes:
        # "CREATE INDEX name ON public.<table> USING ..." -> the new table, a new name.
        head, _, tail = definition.replace(" ON ONLY ", " ON ").partition(qualified)
        cursor.execute(f"{head.replace(f' {name}', f' {name}__new', 1)} ON {new} {tail}")
    for name, definition in constraints:
        cursor.execute(f"ALTER TABLE {new} ADD CONSTRAINT {name} {definition}")
    for name, definition in uniques:
        cursor.execute(
            f"ALTER TABLE {new} ADD CONSTRAINT {name}__new {_unique(definition, partitioned)}"
        )


def _swap(cursor, table: str, catalog, before_drop: Callable | None) -> None:
    indexes, _, uniques = catalog
    if before_drop is not None:
        before_drop(cursor)
    cursor.execute(f"DROP TABLE {table}")
    cursor.execute(f"ALTER TABLE {table}_new RENAME TO {table}")
    cursor.execute(f"ALTER TABLE {table} RENAME CONSTRAINT {table}_pkey__new TO {table}_pkey")
    for name, _ in indexes:
        cursor.execute(f"ALTER INDEX {name}__new RENAME TO {name}")
    for name, _ in uniques:
        cursor.execute(f"ALTER TABLE {table} RENAME CONSTRAINT {name}__new TO {name}")


def _last_id(cursor, table: str) -> int:
    cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {table}")
    return cursor.fetchone()[0]


def to_partitioned(
    cursor,
    spec: MonthlyTable,
    *,
    after_swap: Callable,
    before_drop: Callable | None = None,
) -> None:
    """The plain table becomes the partitioned one, every row, name and rule kept.
    ``before_drop(cursor)`` removes what depends on the old table (a function taking its row
    type); ``after_swap(cursor)`` installs the triggers on the new one."""
    table, new = spec.table, f"{spec.table}_new"
    cursor.execute("SET LOCAL statement_timeout = 0")
    cursor.execute(f"LOCK TABLE {table} IN SHARE MODE")
    catalog = _catalog(cursor, table)
    cursor.execute(
        f"CREATE TABLE {new} (LIKE {table} INCLUDING DEFAULTS) PARTITION BY RANGE ({KEY})"
    )
    cursor.execute(f"ALTER TABLE {new} ALTER id DROP IDENTITY IF EXISTS")
    cursor.execute(f"SELECT MIN({KEY}) FROM {table}")
    oldest = cursor.fetchone()[0]
    today = datetime.now(UTC).date()
    first = month_start(oldest.astimezone(UTC).date() if oldest else today)
    months = (today.year - first.year) * 12 + today.month - first.month + 2
    spec.ensure_months(cursor, first, months, parent=new)
    cursor.execute(f"CREATE TABLE {spec.default} PARTITION OF {new} DEFAULT")
    _copy_structure(cursor, table, catalog, f"id, {KEY}", partitioned=True)
    last_id = _last_id(cursor, table)
    _swap(cursor, table, catalog, before_drop)
    cursor.execute(f"CREATE SEQUENCE {table}_id_seq OWNED BY {table}.id")
    cursor.execute(f"ALTER TABLE {table} ALTER id SET DEFAULT nextval('{table}_id_seq')")
    if last_id:
        cursor.execute(f"SELECT setval('{table}_id_seq', %s)", [last_id])
    after_swap(cursor)
    spec.finish_partitions(cursor)
    cursor.execute(f"ANALYZE {table}")


def to_plain(
    cursor,
    spec: MonthlyTable,
    *,
    after_swap: Callable,
    before_drop: Callable | None = None,
    restore_hint: str,
) -> None:
    """Back to one plain table (the migration's reverse); archived partitions must have been
    attached again first (``restore_hint`` says how), or their rows would be left out."""
    table, new = spec.table, f"{spec.table}_new"
    cursor.execute("SET LOCAL statement_timeout = 0")
    cursor.execute(f"SELECT to_regnamespace('{ARCHIVE_SCHEMA}') IS NOT NULL")
    if cursor.fetchone()[0] and spec.archived(cursor):
        raise RuntimeError(f"Archived partitions of {table} exist: run `{restore_hint}`.")
    cursor.execute(f"LOCK TABLE {table} IN SHARE MODE")
    catalog = _catalog(cursor, table)
    cursor.execute(f"CREATE TABLE {new} (LIKE {table})")
    cursor.execute(f"ALTER TABLE {new} ALTER id DROP DEFAULT")
    _copy_structure(cursor, table, catalog, "id", partitioned=False)
    last_id = _last_id(cursor, table)
    _swap(cursor, table, catalog, before_drop)  # the old partitions and id sequence go with it
    cursor.execute(f"ALTER TABLE {table} ALTER id ADD GENERATED BY DEFAULT AS IDENTITY")
    cursor.execute(
        f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), %s, %s)",
        [max(last_id, 1), last_id > 0],
    )
    after_swap(cursor)
