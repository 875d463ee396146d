"""Converting a populated ledger between a plain table and the monthly partitioned one
(migration 0010, both ways): wms/partition_convert.py says how."""

from inventory.partitions import LEDGER, TABLE, TRIGGER
from wms import partition_convert


def _trigger(cursor) -> None:
    cursor.execute(
        f"CREATE TRIGGER {TRIGGER} BEFORE UPDATE OR DELETE ON {TABLE} "
        f"FOR EACH ROW EXECUTE FUNCTION {TRIGGER}()"
    )


def to_partitioned(cursor) -> None:
    partition_convert.to_partitioned(cursor, LEDGER, after_swap=_trigger)


def to_plain(cursor) -> None:
    partition_convert.to_plain(
        cursor, LEDGER, after_swap=_trigger, restore_hint="ledger_archive --restore"
    )
