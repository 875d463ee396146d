"""Sealing and verifying the trail.

Writers never touch a shared row: each audit row gets its content hash as it is inserted, and
sealing links committed rows afterwards, in id order, each to the previous one (seal_seq,
chain_hash). So postings do not queue behind one "last row" lock; sealing runs in
``manage.py seal_audit`` (periodically) and before every ``verify_audit``. A row that commits
after a higher id was sealed simply gets the next sequence number.
"""

from dataclasses import dataclass, field

from django.db import connection, transaction
from django.db.models.expressions import RawSQL

from audit import hashing
from audit.models import AuditArchive, AuditEvent

SEAL_BATCH = 1000
# Any fixed number: sealers take this transaction-level advisory lock, one at a time.
SEAL_LOCK = 72_617_521


def _with_recomputed(queryset):
    if connection.vendor == "postgresql":
        return queryset.annotate(recomputed=RawSQL("audit_content_hash(audit_events.*)", []))
    return queryset


def _recomputed(event) -> str:
    return getattr(event, "recomputed", None) or hashing.content_hash(event)


def anchor() -> tuple[int, str]:
    """Where the rows in the table begin: the end of the latest archive (audit.archive)."""
    last = AuditArchive.objects.values_list("last_seal_seq", "anchor_hash").first()
    return last or (0, hashing.GENESIS)


def head() -> tuple[int, str]:
    last = (
        AuditEvent.objects.filter(seal_seq__isnull=False)
        .order_by("-seal_seq")
        .values_list("seal_seq", "chain_hash")
        .first()
    )
    return last or anchor()


class TamperedRow(Exception):
    def __init__(self, event_id: int):
        super().__init__(f"audit row {event_id} does not match its content hash")
        self.event_id = event_id


def seal(*, batch: int = SEAL_BATCH) -> int:
    """Seal committed unsealed rows; how many. Stops at a row whose content was altered."""
    sealed = 0
    while True:
        with transaction.atomic():
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute("SELECT pg_advisory_xact_lock(%s)", [SEAL_LOCK])
            seq, previous = head()
            rows = list(
                _with_recomputed(AuditEvent.objects.filter(seal_seq__isnull=True)).order_by("id")[
                    :batch
                ]
            )
            for event in rows:
                if _recomputed(event) != event.content_hash:
                    raise TamperedRow(event.pk)
                seq += 1
                previous = hashing.chain_hash(previous, seq, event.pk, event.content_hash)
                event.seal_seq, event.chain_hash = seq, previous
            AuditEvent.objects.bulk_update(rows, ["seal_seq", "chain_hash"], batch_size=batch)
        sealed += len(rows)
        if len(rows) < batch:
            return sealed


@dataclass
class Report:
    checked: int = 0
    sealed_head: tuple[int, str] = (0, hashing.GENESIS)
    problems: list[str] = field(default_factory=list)
    # --expect named a head at or before the latest archive: check it in the archive's file.
    archived_expect: bool = False


def verify(*, expect: tuple[int, str] | None = None, chunk: int = 5000) -> Report:
    """Every row against its content hash, and the chain of sealed rows link by link."""
    report = Report()
    previous_seq, previous = anchor()
    report.sealed_head = (previous_seq, previous)
    if expect and expect[0] <= previous_seq:
        report.archived_expect = True
        if expect[0] == previous_seq and expect[1] != previous:
            report.problems.append(f"seal {expect[0]} is not the head recorded earlier")
    leftover = AuditEvent.objects.filter(seal_seq__lte=previous_seq).count()
    if leftover:
        report.problems.append(
            f"{leftover} row(s) sealed up to {previous_seq} are still in the table: an archive "
            "or a restore was interrupted; run audit_archive again"
        )
    sealed = _with_recomputed(AuditEvent.objects.filter(seal_seq__isnull=False))
    while True:
        rows = list(sealed.filter(seal_seq__gt=previous_seq).order_by("seal_seq")[:chunk])
        for event in rows:
            report.checked += 1
            if event.seal_seq != previous_seq + 1:
                report.problems.append(
                    f"rows sealed {previous_seq + 1}..{event.seal_seq - 1} are missing (removed)"
                )
            elif event.chain_hash != hashing.chain_hash(
                previous, event.seal_seq, event.pk, event.content_hash
            ):
                report.problems.append(f"row {event.pk} (seal {event.seal_seq}) breaks the chain")
            if _recomputed(event) != event.content_hash:
                report.problems.append(f"row {event.pk} was edited: its content hash differs")
            if expect and event.seal_seq == expect[0] and event.chain_hash != expect[1]:
                report.problems.append(f"seal {expect[0]} is not the head recorded earlier")
            previous_seq, previous = event.seal_seq, event.chain_hash
        if len(rows) < chunk:
            break
    report.sealed_head = (previous_seq, previous)
    if expect and expect[0] > previous_seq:
        report.problems.append(f"the trail ends at seal {previous_seq}, before {expect[0]}")
    unsealed = _with_recomputed(AuditEvent.objects.filter(seal_seq__isnull=True))
    for event in unsealed.iterator(chunk_size=chunk):
        report.checked += 1
        if _recomputed(event) != event.content_hash:
            report.problems.append(
                f"row {event.pk} (unsealed) was edited: its content hash differs"
            )
    return report
