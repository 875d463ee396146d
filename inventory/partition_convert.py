"""Converting a populated ledger between a plain table and the monthly partitioned one.

Used by migration 0010 both ways. The conversion builds the new table beside the old one and
swaps names at the end, in the migration's one transaction:

1. ``LOCK stock_movements IN SHARE MODE``: reads go on, postings wait (they queue on the lock,
   and a request past its lock_timeout answers 503) while the rows are copied;
2. the new table (and, partitioned, one partition per month the rows span, the current and next
   months and DEFAULT) gets every row, then its indexes (under temporary names), CHECKs and
   foreign keys, copied from the catalog so every name is kept;
3. the old table is dropped and the new one takes its name, its indexes' names, the id sequence
   and the append-only trigger: only this last step (milliseconds) holds reads back.

If anything fails the transaction rolls back and the old table is as it was.
"""

from datetime import UTC, datetime

from inventory.partitions import (
    ARCHIVE_SCHEMA,
    DEFAULT,
    TABLE,
    TRIGGER,
    ensure_months,
    month_start,
)

NEW = f"{TABLE}_new"


def _catalog(cursor):
    """(indexes [(name, definition)], constraints [(name, definition)]) of the ledger, the
    primary key left out."""
    cursor.execute(
        """
        SELECT i.relname, pg_get_indexdef(x.indexrelid) FROM pg_index x
        JOIN pg_class i ON i.oid = x.indexrelid
        WHERE x.indrelid = %s::regclass AND NOT x.indisprimary ORDER BY i.relname
        """,
        [TABLE],
    )
    indexes = cursor.fetchall()
    cursor.execute(
        """
        SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint
        WHERE conrelid = %s::regclass AND contype IN ('c', 'f') ORDER BY conname
        """,
        [TABLE],
    )
    return indexes, cursor.fetchall()


def _copy_structure(cursor, indexes, constraints, primary_key: str) -> None:
    cursor.execute(f"INSERT INTO {NEW} SELECT * FROM {TABLE}")
    cursor.execute(
        f"ALTER TABLE {NEW} ADD CONSTRAINT {TABLE}_pkey__new PRIMARY KEY ({primary_key})"
    )
    for name, definition in indexes:
        # "CREATE INDEX name ON public.stock_movements USING ..." -> the new table, a new name.
        head, _, tail = definition.replace(" ON ONLY ", " ON ").partition(
            f" ON {_qualified(cursor)} "
        )
        cursor.execute(f"{head.replace(f' {name}', f' {name}__new', 1)} ON {NEW} {tail}")
    for name, definition in constraints:
        cursor.execute(f"ALTER TABLE {NEW} ADD CONSTRAINT {name} {definition}")


def _qualified(cursor) -> str:
    cursor.execute("SELECT current_schema()")
    return f"{cursor.fetchone()[0]}.{TABLE}"


def _swap(cursor, indexes) -> None:
    cursor.execute(f"DROP TABLE {TABLE}")
    cursor.execute(f"ALTER TABLE {NEW} RENAME TO {TABLE}")
    cursor.execute(f"ALTER TABLE {TABLE} RENAME CONSTRAINT {TABLE}_pkey__new TO {TABLE}_pkey")
    for name, _ in indexes:
        cursor.execute(f"ALTER INDEX {name}__new RENAME TO {name}")
    cursor.execute(
        f"CREATE TRIGGER {TRIGGER} BEFORE UPDATE OR DELETE ON {TABLE} "
        f"FOR EACH ROW EXECUTE FUNCTION {TRIGGER}()"
    )


def to_partitioned(cursor) -> None:
    """The plain ledger becomes the partitioned one, every row, name and rule kept."""
    cursor.execute("SET LOCAL statement_timeout = 0")
    cursor.execute(f"LOCK TABLE {TABLE} IN SHARE MODE")
    indexes, constraints = _catalog(cursor)
    cursor.execute(
        f"CREATE TABLE {NEW} (LIKE {TABLE} INCLUDING DEFAULTS) PARTITION BY RANGE (created_at)"
    )
    cursor.execute(f"ALTER TABLE {NEW} ALTER id DROP IDENTITY IF EXISTS")
    cursor.execute(f"SELECT MIN(created_at) FROM {TABLE}")
    oldest = cursor.fetchone()[0]
    today = datetime.now(UTC).date()
    first = month_start(oldest.astimezone(UTC).date() if oldest else today)
    months = (today.year - first.year) * 12 + today.month - first.month + 2
    ensure_months(cursor, first, months, table=NEW)
    cursor.execute(f"CREATE TABLE {DEFAULT} PARTITION OF {NEW} DEFAULT")
    _copy_structure(cursor, indexes, constraints, "id, created_at")
    cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {TABLE}")
    last_id = cursor.fetchone()[0]
    _swap(cursor, indexes)
    cursor.execute(f"CREATE SEQUENCE {TABLE}_id_seq OWNED BY {TABLE}.id")
    cursor.execute(f"ALTER TABLE {TABLE} ALTER id SET DEFAULT nextval('{TABLE}_id_seq')")
    if last_id:
        cursor.execute(f"SELECT setval('{TABLE}_id_seq', %s)", [last_id])
    cursor.execute(f"ANALYZE {TABLE}")


def to_plain(cursor) -> None:
    """Back to one plain table (the migration's reverse); archived partitions must have been
    restored first, or their rows would be left out."""
    cursor.execute("SET LOCAL statement_timeout = 0")
    cursor.execute(f"SELECT to_regnamespace('{ARCHIVE_SCHEMA}') IS NOT NULL")
    if cursor.fetchone()[0]:
        cursor.execute(
            "SELECT COUNT(*) FROM pg_tables WHERE schemaname = %s AND tablename LIKE %s",
            [ARCHIVE_SCHEMA, f"{TABLE}_y%"],
        )
        if cursor.fetchone()[0]:
            raise RuntimeError("Archived ledger partitions exist: run `ledger_archive --restore`.")
    cursor.execute(f"LOCK TABLE {TABLE} IN SHARE MODE")
    indexes, constraints = _catalog(cursor)
    cursor.execute(f"CREATE TABLE {NEW} (LIKE {TABLE})")
    cursor.execute(f"ALTER TABLE {NEW} ALTER id DROP DEFAULT")
    _copy_structure(cursor, indexes, constraints, "id")
    cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {TABLE}")
    last_id = cursor.fetchone()[0]
    _swap(cursor, indexes)  # the old table's partitions and id sequence go with it
    cursor.execute(f"ALTER TABLE {TABLE} ALTER id ADD GENERATED BY DEFAULT AS IDENTITY")
    cursor.execute(
        f"SELECT setval(pg_get_serial_sequence('{TABLE}', 'id'), %s, %s)",
        [max(last_id, 1), last_id > 0],
    )
