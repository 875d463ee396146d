"""The trail's monthly partitions on PostgreSQL (SQLite keeps one plain table).

``audit_events`` is partitioned like the ledger (wms/partitions.py): by range of ``created_at``,
a partition per UTC month (``audit_events_y2026m12``) and ``audit_events_default``. Its primary
key is (id, created_at) and its unique seal number (``audit_events_seal_seq_key``) is
(seal_seq, created_at): PostgreSQL requires the partition key in every unique index, so one
seal number in two months is not refused by the database; the sealer hands them out one at a
time and verify_audit reports one used twice (audit.chain). The row triggers on the parent are
cloned onto every partition; the TRUNCATE guard is a statement trigger, which partitions do not
inherit, so each partition gets its own.
"""

from wms.partitions import MonthlyTable

TRUNCATE_GUARD = (
    "CREATE OR REPLACE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON {name} "
    "FOR EACH STATEMENT EXECUTE FUNCTION audit_events_guard()"
)

# An archived month refuses every change, inserts included: it is attached again as it was.
# (Its TRUNCATE guard is its own, not cloned: it stays through the detachment.)
ARCHIVED_TRIGGER = "audit_events_archived"

AUDIT_EVENTS = MonthlyTable(
    "audit_events",
    each_partition=(TRUNCATE_GUARD,),
    archived_trigger=ARCHIVED_TRIGGER,
    archived_guard=(
        f"CREATE TRIGGER {ARCHIVED_TRIGGER} BEFORE INSERT OR UPDATE OR DELETE ON {{name}} "
        "FOR EACH ROW EXECUTE FUNCTION audit_events_guard()"
    ),
)
