"""Moving old months of the trail to files, checking such a file, and bringing one back.

An archive is a prefix of the chain: the sealed rows from the first one left in the table up to
the last one sealed before any row of the cut's month (a row is never archived before one
sealed ahead of it, so the rows left always go on from the archive's last chain hash). Each run:

1. seals what is committed, picks the range, writes the rows in seal order to a gzip'd JSON-lines
   file (a header line, then one object per row, ``changes`` as the very text that was hashed),
   checking every link on the way; the file is fsynced, then renamed into place;
2. records the archive (audit_archives: its range, the chain hashes before and at its end, the
   file's sha256) and an ``archive`` security event, in one transaction;
3. removes the rows in batches, each transaction naming the archive in ``wms.audit_archive``:
   the append-only trigger lets through a DELETE of a sealed row in that archive's range and
   nothing else (audit.postgres).

A run interrupted after 2 is finished by the next one, before anything else; one interrupted
before 2 writes its file again. ``restore`` checks a file, inserts its rows back with their seal
columns (the same setting lets the insert trigger keep them), then removes the archive's record.
Archives come back newest first. On SQLite nothing refuses a DELETE (docs/operations.md).
"""

import gzip
import hashlib
import json
import os
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

from django.db import connection, transaction
from django.db.models.expressions import RawSQL

from audit import chain, hashing
from audit.models import AuditArchive, AuditEvent
from audit.postgres import ARCHIVE_SETTING
from audit.recorder import record
from audit.security_events import log_event
from wms.exceptions import DomainError

FORMAT = "wms-audit-archive/1"
BATCH = 5_000
# Any fixed number: one archive or restore at a time (a session-level advisory lock).
ARCHIVE_LOCK = 72_617_522
ROW_FIELDS = ("id", "seal_seq", "created_at", "action", "model", "object_id", "actor", "via")
ROW_FIELDS += ("request_id", "changes", "content_hash", "chain_hash")


class ArchiveRefused(DomainError):
    code = "archive_refused"


@dataclass
class Archived:
    archive: AuditArchive | None
    path: Path | None
    removed: int
    finished: list[AuditArchive]


def cut_of(before: date) -> datetime:
    return datetime(before.year, before.month, 1, tzinfo=UTC)


def file_name(first: int, last: int, before: date) -> str:
    return f"audit-{first:012d}-{last:012d}-before-{before:%Y-%m}.jsonl.gz"


class _Lock:
    """The archive lock for the whole run (PostgreSQL); refuses when another run holds it."""

    def __enter__(self):
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_try_advisory_lock(%s)", [ARCHIVE_LOCK])
                if not cursor.fetchone()[0]:
                    raise ArchiveRefused("Another audit_archive is running.")

    def __exit__(self, *exc):
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s)", [ARCHIVE_LOCK])


def archive(*, before: date, directory: Path, batch: int = BATCH, progress=None) -> Archived:
    """Archive the sealed rows of the months before ``before`` into ``directory``."""
    cut = cut_of(before)
    if cut.date() > datetime.now(UTC).date().replace(day=1):
        raise ArchiveRefused("Only whole past months can be archived: the cut is in the future.")
    directory.mkdir(parents=True, exist_ok=True)
    with _Lock():
        finished = _finish_interrupted(directory, batch, progress)
        try:
            chain.seal()
        except chain.TamperedRow as exc:
            raise ArchiveRefused(f"{exc}; nothing archived. Run verify_audit.") from None
        previous_seq, previous_hash = chain.anchor()
        first, last = _range(previous_seq, cut)
        if last < first:
            return Archived(None, None, 0, finished)
        path = directory / file_name(first, last, before)
        sha256 = _write(path, first, last, previous_hash, before)
        with transaction.atomic():
            archived = AuditArchive.objects.create(
                before=before,
                first_seal_seq=first,
                last_seal_seq=last,
                previous_hash=previous_hash,
                anchor_hash=AuditEvent.objects.get(seal_seq=last).chain_hash,
                rows=last - first + 1,
                file=path.name,
                sha256=sha256,
            )
            _event("archive", archived)
        removed = _remove(archived, batch, progress)
    return Archived(archived, path, removed, finished)


def _range(previous_seq: int, cut: datetime) -> tuple[int, int]:
    """The seal numbers to archive: from the first left in the table up to the last one sealed
    before any row of the cut's month (or any unsealed row)."""
    sealed = AuditEvent.objects.filter(seal_seq__isnull=False)
    first_in_table = sealed.order_by("seal_seq").values_list("seal_seq", flat=True).first()
    if first_in_table is None:
        return previous_seq + 1, previous_seq
    if first_in_table != previous_seq + 1:
        raise ArchiveRefused(
            f"The trail's first row is sealed {first_in_table}, not {previous_seq + 1}: rows "
            "are missing. Run verify_audit."
        )
    stop = (
        sealed.filter(created_at__gte=cut)
        .order_by("seal_seq")
        .values_list("seal_seq", flat=True)
        .first()
    )
    if stop is None:
        stop = sealed.order_by("-seal_seq").values_list("seal_seq", flat=True).first() + 1
    return first_in_table, stop - 1


def _rows(first: int, last: int, chunk: int = 2_000) -> Iterator[dict]:
    """The rows sealed first..last in seal order, as the file holds them."""
    rows = AuditEvent.objects.filter(seal_seq__gte=first, seal_seq__lte=last)
    if connection.vendor == "postgresql":
        rows = rows.annotate(changes_text=RawSQL("audit_events.changes::text", []))
    position = first - 1
    while position < last:
        page = list(rows.filter(seal_seq__gt=position).order_by("seal_seq")[:chunk])
        if not page:
            return
        for event in page:
            fields = hashing.hashed_fields(event, getattr(event, "changes_text", None))
            yield dict(
                zip(
                    ROW_FIELDS,
                    (event.pk, event.seal_seq, *fields, event.content_hash, event.chain_hash),
                    strict=True,
                )
            )
        position = page[-1].seal_seq


def _check_row(row: dict, previous_seq: int, previous_hash: str) -> str | None:
    """What is wrong with ``row`` following (previous_seq, previous_hash), or None."""
    if row["seal_seq"] != previous_seq + 1:
        return f"rows sealed {previous_seq + 1}..{row['seal_seq'] - 1} are missing"
    fields = [row[name] for name in ROW_FIELDS[2:10]]
    if hashing.digest(fields) != row["content_hash"]:
        return f"row {row['id']} (seal {row['seal_seq']}) was edited: its content hash differs"
    linked = hashing.chain_hash(previous_hash, row["seal_seq"], row["id"], row["content_hash"])
    if linked != row["chain_hash"]:
        return f"row {row['id']} (seal {row['seal_seq']}) breaks the chain"
    return None


def _write(path: Path, first: int, last: int, previous_hash: str, before: date) -> str:
    """Write the file (fsynced, then renamed into place), checking every link; its sha256."""
    anchor_hash = AuditEvent.objects.get(seal_seq=last).chain_hash
    header = {
        "format": FORMAT,
        "before": f"{before:%Y-%m}",
        "first_seal_seq": first,
        "last_seal_seq": last,
        "rows": last - first + 1,
        "previous_hash": previous_hash,
        "anchor_hash": anchor_hash,
    }
    partial = path.with_name(path.name + ".part")
    seq, chained = first - 1, previous_hash
    with open(partial, "wb") as raw:
        with gzip.GzipFile(filename=path.name[:-3], mode="wb", fileobj=raw, mtime=0) as out:
            out.write((json.dumps(header) + "\n").encode())
            for row in _rows(first, last):
                problem = _check_row(row, seq, chained)
                if problem:
                    raise ArchiveRefused(f"{problem}; nothing archived. Run verify_audit.")
                seq, chained = row["seal_seq"], row["chain_hash"]
                out.write(
                    (json.dumps(row, ensure_ascii=False, separators=(",", ":")) + "\n").encode()
                )
        if seq != last:
            raise ArchiveRefused(f"rows sealed {seq + 1}..{last} are missing; run verify_audit")
        raw.flush()
        os.fsync(raw.fileno())
    os.replace(partial, path)
    _fsync_directory(path.parent)
    return _sha256(path)


def _fsync_directory(directory: Path) -> None:
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as file:
        for block in iter(lambda: file.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _header(path: Path) -> dict:
    with gzip.open(path, "rt", encoding="utf-8") as lines:
        header = json.loads(lines.readline())
    if header.get("format") != FORMAT:
        raise ArchiveRefused(f"{path} is not an audit archive ({FORMAT}).")
    return header


def read(path: Path) -> tuple[dict, Iterator[dict]]:
    """The file's header and its rows."""
    header = _header(path)

    def rows():
        with gzip.open(path, "rt", encoding="utf-8") as lines:
            lines.readline()
            for line in lines:
                yield json.loads(line)

    return header, rows()


def check(path: Path, *, expect: tuple[int, str] | None = None) -> tuple[dict, list[str]]:
    """Check a file on its own, without the database: every row against its content hash and
    the chain link by link from the header's previous hash to its anchor. (header, problems)"""
    try:
        header, rows = read(path)
        problems = []
        seq, chained = header["first_seal_seq"] - 1, header["previous_hash"]
        for row in rows:
            problem = _check_row(row, seq, chained)
            if problem:
                problems.append(problem)
            if expect and row["seal_seq"] == expect[0] and row["chain_hash"] != expect[1]:
                problems.append(f"seal {expect[0]} is not the head recorded earlier")
            seq, chained = row["seal_seq"], row["chain_hash"]
    except (OSError, EOFError, ValueError, KeyError) as exc:
        raise ArchiveRefused(f"{path} cannot be read as an audit archive: {exc}") from None
    if seq != header["last_seal_seq"]:
        problems.append(f"the file ends at seal {seq}, not {header['last_seal_seq']}")
    elif chained != header["anchor_hash"]:
        problems.append("the file's last chain hash is not its header's anchor")
    return header, problems


def _remove(archived: AuditArchive, batch: int, progress) -> int:
    removed = 0
    while True:
        with transaction.atomic(), connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute(
                    "SELECT set_config(%s, %s, true)", [ARCHIVE_SETTING, str(archived.pk)]
                )
            cursor.execute(
                "DELETE FROM audit_events WHERE id IN (SELECT id FROM audit_events"
                " WHERE seal_seq BETWEEN %s AND %s ORDER BY seal_seq LIMIT %s)",
                [archived.first_seal_seq, archived.last_seal_seq, batch],
            )
            count = cursor.rowcount
        removed += count
        if progress is not None and count:
            progress(count)
        if count < batch:
            return removed


def _in_table(archived: AuditArchive) -> int:
    return AuditEvent.objects.filter(
        seal_seq__gte=archived.first_seal_seq, seal_seq__lte=archived.last_seal_seq
    ).count()


def _finish_interrupted(directory: Path, batch: int, progress) -> list[AuditArchive]:
    """Remove the rows of archives recorded but not finished, their files checked first."""
    finished = []
    for archived in AuditArchive.objects.order_by("last_seal_seq"):
        if not _in_table(archived):
            continue
        path = directory / archived.file
        if not path.exists() or _sha256(path) != archived.sha256:
            raise ArchiveRefused(
                f"Archive {archived.file} was interrupted and is not in {directory} as written: "
                "pass --to with the directory that holds it."
            )
        _remove(archived, batch, progress)
        finished.append(archived)
    return finished


def restore(*, path: Path, batch: int = BATCH, progress=None) -> tuple[AuditArchive, int]:
    """Insert a file's rows back and remove its archive's record; (the record, rows inserted)."""
    header, problems = check(path)
    if problems:
        raise ArchiveRefused(f"{path} does not verify: {problems[0]}")
    with _Lock():
        archived = AuditArchive.objects.filter(
            first_seal_seq=header["first_seal_seq"],
            last_seal_seq=header["last_seal_seq"],
            anchor_hash=header["anchor_hash"],
        ).first()
        if archived is None:
            raise ArchiveRefused(f"{path.name} is not an archive in effect (restored already?).")
        latest = AuditArchive.objects.first()
        if latest.pk != archived.pk:
            raise ArchiveRefused(f"Restore {latest.file} first: archives come back newest first.")
        inserted = 0
        _, rows = read(path)
        page = []
        for row in rows:
            page.append(row)
            if len(page) == batch:
                inserted += _insert(archived, page, progress)
                page = []
        inserted += _insert(archived, page, progress)
        with transaction.atomic():
            _event("restore", archived)
            archived.delete()
    return archived, inserted


def _insert(archived: AuditArchive, rows: list[dict], progress) -> int:
    """Insert the rows not in the table yet (a restore may be re-run), seal columns and all."""
    if not rows:
        return 0
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT set_config(%s, %s, true)", [ARCHIVE_SETTING, str(archived.pk)]
                )
        present = set(
            AuditEvent.objects.filter(pk__in=[row["id"] for row in rows]).values_list(
                "pk", flat=True
            )
        )
        missing = [_event_of(row) for row in rows if row["id"] not in present]
        AuditEvent.objects.bulk_create(missing)
    if progress is not None:
        progress(len(rows))
    return len(missing)


def _event_of(row: dict) -> AuditEvent:
    created_at = datetime.strptime(row["created_at"], hashing.TIME_FORMAT).replace(tzinfo=UTC)
    return AuditEvent(**{**row, "created_at": created_at, "changes": json.loads(row["changes"])})


def _event(action: str, archived: AuditArchive) -> None:
    """The archive or restore as a security event: a row of the trail and a log line."""
    details = {
        "file": archived.file,
        "sha256": archived.sha256,
        "first_seal_seq": archived.first_seal_seq,
        "last_seal_seq": archived.last_seal_seq,
        "anchor_hash": archived.anchor_hash,
        "before": f"{archived.before:%Y-%m}",
    }
    log_event(action, model="auditarchive", object_id=archived.pk, **details)
    record(action=action, model="auditarchive", object_id=archived.pk, changes=details)
