"""audit_archive: old months go to a file that verifies offline, the rest still verifies, and
only the archive's own path may remove rows (or put them back)."""

import gzip
import json
from datetime import UTC, datetime

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction

from audit import archive, hashing
from audit.models import AuditArchive, AuditEvent
from audit.postgres import ARCHIVE_SETTING
from tests.factories import ProductFactory

pytestmark = pytest.mark.django_db

APRIL, MAY, JUNE = (datetime(2026, month, 10, 8, 30, tzinfo=UTC) for month in (4, 5, 6))


@pytest.fixture(autouse=True)
def empty_trail():
    """Start from an empty trail: rows written when the test database was set up (the roles'
    groups, after a flush) are of today and would stand before the months these tests write.
    The way the suite's flush does it, inside the test's transaction."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT set_config('wms.audit_truncate', 'on', true)")
            cursor.execute("TRUNCATE audit_events")
            cursor.execute("SELECT set_config('wms.audit_truncate', 'off', true)")
        else:
            cursor.execute("DELETE FROM audit_events")


def _row(when: datetime, number: int) -> AuditEvent:
    """An audit row written at ``when`` (as if months ago)."""
    event = AuditEvent(
        created_at=when,
        action="update",
        model="product",
        object_id=str(number),
        via="command",
        changes={"name": ["before", f"after é {number}"], "reorder": [1, 2.5]},
    )
    if connection.vendor != "postgresql":
        event.content_hash = hashing.content_hash(event)
    event.save(force_insert=True)
    return event


def _months():
    rows = {month: [_row(month, n) for n in range(3)] for month in (APRIL, MAY, JUNE)}
    ProductFactory()  # and changes of today
    call_command("seal_audit")
    return rows


def _archive(tmp_path, before):
    call_command("audit_archive", f"--before={before}", f"--to={tmp_path}")
    return sorted(tmp_path.glob("*.jsonl.gz"))


def _verify(*args):
    call_command("verify_audit", *args)


def test_whole_past_months_go_to_a_file_and_the_rest_still_verifies(tmp_path, capsys):
    rows = _months()
    (path,) = _archive(tmp_path, "2026-06")
    assert "Archived 6 row(s)" in capsys.readouterr().out
    archived_ids = {row.pk for row in rows[APRIL] + rows[MAY]}
    assert not AuditEvent.objects.filter(pk__in=archived_ids).exists()
    assert AuditEvent.objects.filter(created_at__lt=JUNE.replace(day=1)).count() == 0
    assert AuditEvent.objects.filter(pk__in=[row.pk for row in rows[JUNE]]).count() == 3
    with gzip.open(path, "rt") as lines:
        header, *body = (json.loads(line) for line in lines)
    assert (header["first_seal_seq"], header["last_seal_seq"], header["rows"]) == (1, 6, 6)
    assert {row["id"] for row in body} == archived_ids
    recorded = AuditArchive.objects.get()
    assert (recorded.file, recorded.anchor_hash) == (path.name, body[-1]["chain_hash"])
    event = AuditEvent.objects.get(action="archive")
    assert (event.model, event.changes["file"]) == ("auditarchive", path.name)
    _verify()
    assert "audit trail intact" in capsys.readouterr().out
    _verify("--archive", str(path))
    assert "archive intact: 1 file(s)" in capsys.readouterr().out


def test_a_second_run_archives_nothing_and_a_later_month_follows_the_first(tmp_path, capsys):
    _months()
    _archive(tmp_path, "2026-06")
    assert len(_archive(tmp_path, "2026-06")) == 1
    assert "Nothing to archive before 2026-06" in capsys.readouterr().out
    first, second = _archive(tmp_path, "2026-07")
    assert AuditArchive.objects.count() == 2
    _verify()
    _verify("--archive", str(first), str(second))
    with pytest.raises(CommandError):
        _verify("--archive", str(second), str(first))


def test_archiving_every_sealed_row_keeps_the_numbering(tmp_path):
    _row(APRIL, 1)
    _row(MAY, 2)
    call_command("seal_audit")
    _archive(tmp_path, "2026-06")
    # The archive's own event is the only row; sealed, it goes on from the archive's end.
    call_command("seal_audit")
    assert list(AuditEvent.objects.values_list("action", "seal_seq")) == [("archive", 3)]
    _verify()


def test_the_cut_must_not_be_in_the_future(tmp_path):
    with pytest.raises(CommandError, match="whole past months"):
        _archive(tmp_path, "2999-01")
    assert not AuditArchive.objects.exists()


def test_an_edited_file_is_found_offline_and_not_restored(tmp_path):
    _months()
    (path,) = _archive(tmp_path, "2026-06")
    with gzip.open(path, "rt") as file:
        lines = file.read().splitlines()
    lines[2] = lines[2].replace('"via":"command"', '"via":"api"')
    with gzip.open(path, "wt") as file:
        file.write("\n".join(lines) + "\n")
    with pytest.raises(CommandError, match="1 problem"):
        _verify("--archive", str(path))
    with pytest.raises(CommandError, match="does not verify"):
        call_command("audit_archive", f"--restore={path}")


def test_restore_puts_the_rows_back_as_they_were(tmp_path, capsys):
    _months()
    before = list(AuditEvent.objects.order_by("id").values_list("id", "seal_seq", "chain_hash"))
    (path,) = _archive(tmp_path, "2026-06")
    call_command("audit_archive", f"--restore={path}")
    assert "Restored 6 row(s)" in capsys.readouterr().out
    after = list(AuditEvent.objects.order_by("id").values_list("id", "seal_seq", "chain_hash"))
    assert after[: len(before)] == before
    assert not AuditArchive.objects.exists()
    assert AuditEvent.objects.filter(action="restore", model="auditarchive").exists()
    _verify()
    with pytest.raises(CommandError, match="not an archive in effect"):
        call_command("audit_archive", f"--restore={path}")


def test_archives_come_back_newest_first(tmp_path):
    _months()
    _archive(tmp_path, "2026-06")
    first, second = _archive(tmp_path, "2026-07")
    with pytest.raises(CommandError, match="first: archives come back newest first"):
        call_command("audit_archive", f"--restore={first}")
    call_command("audit_archive", f"--restore={second}")
    call_command("audit_archive", f"--restore={first}")
    _verify()


def test_an_interrupted_archive_is_finished_by_the_next_run(tmp_path, capsys):
    rows = _months()

    def crash(removed):
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        archive.archive(
            before=JUNE.date().replace(day=1), directory=tmp_path, batch=2, progress=crash
        )
    assert AuditEvent.objects.filter(pk__in=[row.pk for row in rows[MAY]]).exists()
    with pytest.raises(CommandError):
        _verify()
    assert "interrupted" in capsys.readouterr().err
    _archive(tmp_path, "2026-06")
    assert "finished the interrupted archive" in capsys.readouterr().out
    assert AuditArchive.objects.count() == 1
    assert not AuditEvent.objects.filter(created_at__lt=JUNE.replace(day=1)).exists()
    _verify()


# --- what the database refuses (PostgreSQL) ------------------------------------------------


def _sql(sql, params=(), setting=None):
    with transaction.atomic(), connection.cursor() as cursor:
        if setting is not None:
            cursor.execute("SELECT set_config(%s, %s, true)", [ARCHIVE_SETTING, setting])
        cursor.execute(sql, params)
        return cursor.rowcount


@pytest.mark.postgres
def test_only_the_rows_of_the_named_archive_may_be_deleted(tmp_path):
    _months()
    _archive(tmp_path, "2026-06")
    recorded = AuditArchive.objects.get()
    left = AuditEvent.objects.filter(seal_seq__isnull=False).order_by("seal_seq").first()
    ProductFactory()
    unsealed = AuditEvent.objects.filter(seal_seq__isnull=True).first()
    for event, setting in [(left, None), (left, str(recorded.pk)), (unsealed, str(recorded.pk))]:
        with pytest.raises(DatabaseError, match="append-only"):
            _sql("DELETE FROM audit_events WHERE id = %s", [event.pk], setting)
    with pytest.raises(DatabaseError, match="append-only"):
        _sql("DELETE FROM audit_events", setting=str(recorded.pk))
    assert AuditEvent.objects.filter(pk__in=[left.pk, unsealed.pk]).count() == 2


@pytest.mark.postgres
def test_an_inserted_row_keeps_a_seal_only_inside_the_named_archive(tmp_path):
    _months()
    _archive(tmp_path, "2026-06")
    recorded = AuditArchive.objects.get()
    insert = (
        "INSERT INTO audit_events (created_at, action, model, object_id, actor, via,"
        " request_id, changes, content_hash, seal_seq, chain_hash)"
        " VALUES (now(), 'create', 'product', '1', 'x', 'api', '', '{}', '', %s, 'forged')"
        " RETURNING seal_seq"
    )
    outside = recorded.last_seal_seq + 100
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT set_config(%s, %s, true)", [ARCHIVE_SETTING, str(recorded.pk)])
        cursor.execute(insert, [outside])
        assert cursor.fetchone() == (None,)
        cursor.execute(insert, [recorded.first_seal_seq])
        assert cursor.fetchone() == (recorded.first_seal_seq,)
        transaction.set_rollback(True)
