"""Sealing and verifying the trail.

Writers never touch a shared row: each audit row gets its content hash as it is inserted, and
sealing links committed rows afterwards, in id order, each to the previous one (seal_seq,
chain_hash). So postings do not queue behind one "last row" lock; sealing runs in
``manage.py seal_audit`` (periodically) and before every ``verify_audit``. A row that commits
after a higher id was sealed simply gets the next sequence number.

On PostgreSQL the table is partitioned by month (audit.partitions): seal numbers run across the
months, and months detached by ``audit_archive`` leave gaps in the table that their records in
audit_archives bridge (previous and last chain hash of each run of seal numbers), so the chain
is still walked link by link from the first seal. The database does not refuse one seal
number twice (its unique key includes ``created_at``): sealing takes an advisory lock and goes
on from the highest seal of the table and of the archive; verify reports a number used twice.
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


def head() -> tuple[int, str]:
    """The last seal handed out: in the table, or in an archived month (whose rows committed
    late were sealed after the next month's)."""
    last = (
        AuditEvent.objects.filter(seal_seq__isnull=False)
        .order_by("-seal_seq")
        .values_list("seal_seq", "chain_hash")
        .first()
    )
    archived = AuditArchive.objects.values_list("last_seal_seq", "anchor_hash").first()
    return max(last or (0, hashing.GENESIS), archived or (0, hashing.GENESIS))


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
    # --expect named a seal inside an archived month: checked when the month is restored.
    archived_expect: bool = False


class Walk:
    """The chain link by link from ``start``, crossing the archived ``runs`` (by first seal)
    where the rows read have a gap. ``step`` takes rows in seal order: anything with ``pk``,
    ``seal_seq``, ``content_hash``, ``chain_hash`` and, on PostgreSQL, ``recomputed``."""

    def __init__(self, report: Report, start: tuple[int, str], runs: dict, expect=None):
        self.report, self.expect, self.runs = report, expect, runs
        self.seq, self.hash = start

    def cross_archived(self) -> None:
        while (run := self.runs.pop(self.seq + 1, None)) is not None:
            if run.previous_hash != self.hash:
                self.report.problems.append(
                    f"archived seals {run.first_seal_seq}..{run.last_seal_seq} "
                    f"({run.partition}) do not follow seal {self.seq}"
                )
            if self.expect and run.first_seal_seq <= self.expect[0] <= run.last_seal_seq:
                self.report.archived_expect = True
                if self.expect[0] == run.last_seal_seq and self.expect[1] != run.anchor_hash:
                    self.report.problems.append(
                        f"seal {self.expect[0]} is not the head recorded earlier"
                    )
            self.seq, self.hash = run.last_seal_seq, run.anchor_hash

    def step(self, event) -> None:
        problems = self.report.problems
        self.report.checked += 1
        if event.seal_seq > self.seq + 1:
            self.cross_archived()
        if event.seal_seq <= self.seq:
            problems.append(f"seal {event.seal_seq} is used twice (row {event.pk})")
            return
        if event.seal_seq != self.seq + 1:
            missing = f"{self.seq + 1}..{event.seal_seq - 1}"
            problems.append(f"rows sealed {missing} are missing (removed)")
        elif event.chain_hash != hashing.chain_hash(
            self.hash, event.seal_seq, event.pk, event.content_hash
        ):
            problems.append(f"row {event.pk} (seal {event.seal_seq}) breaks the chain")
        if _recomputed(event) != event.content_hash:
            problems.append(f"row {event.pk} was edited: its content hash differs")
        if self.expect and event.seal_seq == self.expect[0] and event.chain_hash != self.expect[1]:
            problems.append(f"seal {self.expect[0]} is not the head recorded earlier")
        self.seq, self.hash = event.seal_seq, event.chain_hash


def verify(
    *,
    expect: tuple[int, str] | None = None,
    chunk: int = 5000,
    start: tuple[int, str] = (0, hashing.GENESIS),
    through: int | None = None,
) -> Report:
    """Every row against its content hash, and the chain of sealed rows link by link from
    ``start`` (a head verified earlier) to the head, or only ``through`` a seal number (then
    the unsealed rows are left out)."""
    report = Report()
    runs = AuditArchive.objects.filter(first_seal_seq__gt=start[0])
    if through is not None:
        runs = runs.filter(first_seal_seq__lte=through)
    walk = Walk(report, start, {run.first_seal_seq: run for run in runs}, expect)
    sealed = _with_recomputed(AuditEvent.objects.filter(seal_seq__isnull=False))
    if through is not None:
        sealed = sealed.filter(seal_seq__lte=through)
    while True:
        rows = list(sealed.filter(seal_seq__gt=walk.seq).order_by("seal_seq")[:chunk])
        for event in rows:
            walk.step(event)
        if len(rows) < chunk:
            break
    if through is None or walk.seq < through:
        walk.cross_archived()
    report.sealed_head = (walk.seq, walk.hash)
    for run in sorted(walk.runs.values(), key=lambda run: run.first_seal_seq):
        report.problems.append(
            f"archived seals {run.first_seal_seq}..{run.last_seal_seq} ({run.partition}) "
            "are not linked into the chain"
        )
    if expect and expect[0] > walk.seq:
        report.problems.append(f"the trail ends at seal {walk.seq}, before {expect[0]}")
    if through is not None:
        return report
    unsealed = _with_recomputed(AuditEvent.objects.filter(seal_seq__isnull=True))
    for event in unsealed.iterator(chunk_size=chunk):
        report.checked += 1
        if _recomputed(event) != event.content_hash:
            report.problems.append(
                f"row {event.pk} (unsealed) was edited: its content hash differs"
            )
    return report
