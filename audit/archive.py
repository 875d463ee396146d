"""Archiving whole past months of the trail, and attaching them again (PostgreSQL).

Like the ledger's (inventory.archive): a month leaves the table by detaching its partition into
the ``archive`` schema, never by deleting a row, so the append-only guard has no exception for
it. One run:

1. seals what is committed and verifies the chain from its first seal through the last seal of
   any row before the cut (the long part; writers are not held back);
2. in one transaction: takes the sealer's lock and a SHARE ROW EXCLUSIVE lock on the trail
   (writers wait; a transaction that wrote a row of a past month has committed), seals and
   verifies what came since, then, for each month before the cut, records each run of
   consecutive seal numbers in it (audit_archives: first and last seal, the chain hash before
   and at its end, so verify_audit crosses the gap), detaches the month into the archive
   schema, where a trigger refuses every INSERT, UPDATE and DELETE (TRUNCATE stays refused by
   the partition's own trigger), and writes an ``archive`` security event.

``restore`` attaches every archived month again in one transaction and removes the records;
verify_audit then walks the archived rows themselves again.
"""

from datetime import UTC, date, datetime
from types import SimpleNamespace

from django.db import connection, transaction

from audit import chain, hashing
from audit.models import AuditArchive, AuditEvent
from audit.partitions import AUDIT_EVENTS
from audit.recorder import record
from audit.security_events import log_event
from wms.exceptions import DomainError
from wms.partitions import ARCHIVE_SCHEMA, month_start

TABLE = AUDIT_EVENTS.table


class ArchiveRefused(DomainError):
    code = "archive_refused"


def cut_of(before: date) -> datetime:
    return datetime(before.year, before.month, 1, tzinfo=UTC)


def _sealed_or_refuse() -> None:
    try:
        chain.seal()
    except chain.TamperedRow as exc:
        raise ArchiveRefused(f"{exc}; nothing archived. Run verify_audit.") from None


def _verified(report: chain.Report) -> chain.Report:
    if report.problems:
        raise ArchiveRefused(
            f"The trail does not verify ({report.problems[0]}); nothing archived. Run verify_audit."
        )
    return report


def _last_seal_before(cut: datetime) -> int:
    last = (
        AuditEvent.objects.filter(created_at__lt=cut, seal_seq__isnull=False)
        .order_by("-seal_seq")
        .values_list("seal_seq", flat=True)
        .first()
    )
    return last or 0


def archive(before: date) -> tuple[datetime, list[AuditArchive]]:
    """Detach every month of the trail before ``before``'s into the archive schema.
    (cut, the runs recorded: none when no month was there to archive)."""
    cut = cut_of(before)
    if cut.date() > month_start(datetime.now(UTC).date()):
        raise ArchiveRefused("Only whole past months can be archived: the cut is in the future.")
    with connection.cursor() as cursor:
        if not AUDIT_EVENTS.is_partitioned(cursor):
            raise ArchiveRefused("The audit trail is not partitioned: run `manage.py migrate`.")
    _sealed_or_refuse()
    checked = _verified(chain.verify(through=_last_seal_before(cut)))
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL statement_timeout = 0")
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [chain.SEAL_LOCK])
        cursor.execute(f"LOCK TABLE {TABLE} IN SHARE ROW EXCLUSIVE MODE")
        if AUDIT_EVENTS.default_rows(cursor):
            raise ArchiveRefused(
                f"{AUDIT_EVENTS.default} holds audit rows: place them first (docs/operations.md)."
            )
        months = AUDIT_EVENTS.months_before(cursor, cut.date())
        if not months:
            return cut, []
        _sealed_or_refuse()
        _verified(chain.verify(start=checked.sealed_head, through=_last_seal_before(cut)))
        runs = [run for name, month in months for run in _runs(cursor, name, month)]
        for name, _ in months:
            AUDIT_EVENTS.detach(cursor, name)
        AuditArchive.objects.bulk_create(runs)
        _event("archive", runs)
    return cut, runs


def _runs(cursor, name: str, month: date) -> list[AuditArchive]:
    """The month's runs of consecutive seal numbers, each with the chain hashes around it."""
    cursor.execute(f"SELECT COUNT(*) FROM {name} WHERE seal_seq IS NULL")
    if cursor.fetchone()[0]:
        raise ArchiveRefused(f"{name} holds unsealed rows: run verify_audit; nothing archived.")
    cursor.execute(
        f"SELECT MIN(seal_seq), MAX(seal_seq) FROM (SELECT seal_seq, seal_seq - row_number() "
        f"OVER (ORDER BY seal_seq) AS island FROM {name}) runs GROUP BY island ORDER BY 1"
    )
    return [
        AuditArchive(
            month=month,
            partition=name,
            first_seal_seq=first,
            last_seal_seq=last,
            previous_hash=_chain_hash(first - 1),
            anchor_hash=_chain_hash(last),
            rows=last - first + 1,
        )
        for first, last in cursor.fetchall()
    ]


def _chain_hash(seal_seq: int) -> str:
    """The chain hash of a seal number, in the table or at the end of an archived run."""
    if seal_seq == 0:
        return hashing.GENESIS
    found = AuditEvent.objects.filter(seal_seq=seal_seq).values_list("chain_hash", flat=True)
    archived = AuditArchive.objects.filter(last_seal_seq=seal_seq).values_list(
        "anchor_hash", flat=True
    )
    for chain_hash in (*found[:1], *archived[:1]):
        return chain_hash
    raise ArchiveRefused(f"Seal {seal_seq} is nowhere: run verify_audit; nothing archived.")


def restore() -> list[str]:
    """Attach every archived month again, in one transaction; the partitions attached."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL statement_timeout = 0")
        names = AUDIT_EVENTS.attach_archived(cursor)
        runs = list(AuditArchive.objects.order_by("first_seal_seq"))
        AuditArchive.objects.all().delete()
        if runs:
            _event("restore", runs)
    return names


def verify_archived(*, expect: tuple[int, str] | None = None, chunk: int = 5000) -> chain.Report:
    """The archived months' rows themselves, in the archive schema: each row against its
    content hash, and each recorded run link by link from its previous hash to its anchor
    hash; a month archived but not recorded, or recorded but not there, is a problem too."""
    report = chain.Report()
    if connection.vendor != "postgresql":
        return report  # nothing is archived on SQLite
    with connection.cursor() as cursor:
        names = set(AUDIT_EVENTS.archived(cursor))
        for partition in sorted(
            names | set(AuditArchive.objects.values_list("partition", flat=True))
        ):
            runs = list(AuditArchive.objects.filter(partition=partition).order_by("first_seal_seq"))
            if partition not in names or not runs:
                where = "recorded in audit_archives" if runs else "in the archive schema"
                report.problems.append(f"{ARCHIVE_SCHEMA}.{partition} is only {where}")
                continue
            cursor.execute(f"SELECT COUNT(*) FROM {ARCHIVE_SCHEMA}.{partition}")
            if cursor.fetchone()[0] != sum(run.rows for run in runs):
                report.problems.append(
                    f"{ARCHIVE_SCHEMA}.{partition} holds rows outside its recorded seals"
                )
            for run in runs:
                _verify_run(cursor, report, run, chunk, expect)
    return report


_ROW = ("pk", "seal_seq", "content_hash", "chain_hash", "recomputed")


def _verify_run(cursor, report: chain.Report, run: AuditArchive, chunk: int, expect) -> None:
    walk = chain.Walk(report, (run.first_seal_seq - 1, run.previous_hash), {}, expect)
    while walk.seq < run.last_seal_seq:
        cursor.execute(
            "SELECT id, seal_seq, content_hash, chain_hash,"
            " audit_content_hash(ROW(t.*)::audit_events)"
            f" FROM {ARCHIVE_SCHEMA}.{run.partition} t WHERE seal_seq > %s AND seal_seq <= %s"
            " ORDER BY seal_seq LIMIT %s",
            [walk.seq, run.last_seal_seq, chunk],
        )
        rows = cursor.fetchall()
        for row in rows:
            walk.step(SimpleNamespace(**dict(zip(_ROW, row, strict=True))))
        if len(rows) < chunk:
            break
    if walk.seq != run.last_seal_seq:
        report.problems.append(
            f"rows sealed {walk.seq + 1}..{run.last_seal_seq} are missing from "
            f"{ARCHIVE_SCHEMA}.{run.partition} (removed)"
        )
    elif walk.hash != run.anchor_hash:
        report.problems.append(
            f"{ARCHIVE_SCHEMA}.{run.partition} does not end at its recorded hash"
        )


def _event(action: str, runs: list[AuditArchive]) -> None:
    """The archive or restore as a security event: a row of the trail and a log line."""
    details = {
        "partitions": sorted({run.partition for run in runs}),
        "runs": [
            [run.first_seal_seq, run.last_seal_seq, run.previous_hash, run.anchor_hash]
            for run in runs
        ],
    }
    log_event(action, model="auditarchive", **details)
    record(action=action, model="auditarchive", changes=details)
