"""audit_archive (PostgreSQL): whole past months are detached into the archive schema, never
deleted row by row; the chain still verifies across them, and --restore attaches them again."""

from datetime import UTC, date, datetime

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from audit import chain, hashing
from audit.models import AuditArchive, AuditEvent
from audit.partitions import AUDIT_EVENTS
from tests.audit.support import as_superuser, empty_trail, sql
from tests.factories import ProductFactory
from wms.partitions import ARCHIVE_SCHEMA

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]

APRIL, MAY, JUNE = (datetime(2026, month, 10, 8, 30, tzinfo=UTC) for month in (4, 5, 6))


@pytest.fixture(autouse=True)
def past_months():
    empty_trail()
    with connection.cursor() as cursor:
        for month in (APRIL, MAY, JUNE):
            AUDIT_EVENTS.create_month(cursor, month.date())


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
    event.save(force_insert=True)
    return event


def _months():
    rows = {month: [_row(month, n) for n in range(3)] for month in (APRIL, MAY, JUNE)}
    ProductFactory()  # and changes of today
    call_command("seal_audit")
    return rows


def _archive(before):
    call_command("audit_archive", f"--before={before}")


def _archived_tables():
    with connection.cursor() as cursor:
        return AUDIT_EVENTS.archived(cursor)


def _trail():
    return sql("SELECT id, seal_seq, chain_hash, content_hash FROM audit_events ORDER BY id")


def test_whole_past_months_are_detached_and_the_rest_still_verifies(capsys):
    rows = _months()
    _archive("2026-06")
    out = capsys.readouterr().out
    assert "archived audit_events_y2026m04: 3 row(s), seals 1..3" in out
    assert "2 month(s) moved to the archive schema" in out
    assert _archived_tables() == ["audit_events_y2026m04", "audit_events_y2026m05"]
    archived_ids = sorted(row.pk for row in rows[APRIL] + rows[MAY])
    assert not AuditEvent.objects.filter(pk__in=archived_ids).exists()
    in_archive = sql(
        f"SELECT id FROM {ARCHIVE_SCHEMA}.audit_events_y2026m04 UNION ALL "
        f"SELECT id FROM {ARCHIVE_SCHEMA}.audit_events_y2026m05 ORDER BY id"
    )
    assert [row for (row,) in in_archive] == archived_ids
    assert list(
        AuditArchive.objects.order_by("first_seal_seq").values_list(
            "partition", "month", "first_seal_seq", "last_seal_seq", "rows"
        )
    ) == [
        ("audit_events_y2026m04", date(2026, 4, 1), 1, 3, 3),
        ("audit_events_y2026m05", date(2026, 5, 1), 4, 6, 3),
    ]
    april, may = AuditArchive.objects.order_by("first_seal_seq")
    assert may.previous_hash == april.anchor_hash
    assert april.previous_hash == hashing.GENESIS
    event = AuditEvent.objects.get(action="archive")
    assert event.model == "auditarchive"
    assert event.changes["partitions"] == ["audit_events_y2026m04", "audit_events_y2026m05"]
    call_command("verify_audit")
    assert "audit trail intact" in capsys.readouterr().out


def test_restore_attaches_the_months_and_the_chain_verifies_through_their_rows(capsys):
    _months()
    before = _trail()
    _archive("2026-06")
    call_command("audit_archive", "--restore")
    assert "2 archived month(s) attached again" in capsys.readouterr().out
    assert _trail()[: len(before)] == before
    assert _archived_tables() == []
    assert not AuditArchive.objects.exists()
    assert AuditEvent.objects.filter(action="restore", model="auditarchive").exists()
    report = chain.verify()
    assert report.problems == [] and report.checked == AuditEvent.objects.count()


def test_a_second_run_archives_nothing_and_a_later_month_follows(capsys):
    _months()
    _archive("2026-06")
    _archive("2026-06")
    assert "Nothing to archive before 2026-06" in capsys.readouterr().out
    _archive("2026-07")
    assert len(_archived_tables()) == 3
    assert AuditArchive.objects.count() == 3
    call_command("verify_audit")
    call_command("audit_archive", "--restore")
    call_command("verify_audit")


def test_a_row_sealed_after_the_next_months_is_a_run_of_its_own():
    """A transaction that wrote a row on the last evening of April and committed after May's
    rows were sealed: April's seal numbers are two runs, each bridged."""
    _months()
    late = _row(APRIL, 99)
    call_command("seal_audit")
    _archive("2026-05")
    runs = list(
        AuditArchive.objects.order_by("first_seal_seq").values_list(
            "first_seal_seq", "last_seal_seq"
        )
    )
    late_seal = runs[1][0]
    assert runs == [(1, 3), (late_seal, late_seal)] and late_seal > 9
    assert not AuditEvent.objects.filter(pk=late.pk).exists()
    assert chain.verify().problems == []
    call_command("seal_audit")  # goes on after the highest seal, archived or not
    assert chain.verify().problems == []
    _archive("2026-07")
    assert chain.verify().problems == []


def test_the_archive_records_are_what_bridges_the_gap():
    _months()
    _archive("2026-06")
    sql("DELETE FROM audit_archives WHERE first_seal_seq = 4")
    problems = chain.verify().problems
    assert problems == ["rows sealed 4..6 are missing (removed)"], problems


def test_a_forged_archive_record_does_not_link():
    _months()
    _archive("2026-06")
    sql("UPDATE audit_archives SET anchor_hash = %s WHERE first_seal_seq = 1", ["f" * 64])
    problems = chain.verify().problems
    assert any("archived seals 4..6 (audit_events_y2026m05) do not follow" in p for p in problems)


def test_an_edited_row_of_a_past_month_is_found_and_nothing_is_archived():
    rows = _months()
    as_superuser("UPDATE audit_events SET actor = 'nobody' WHERE id = %s", [rows[MAY][1].pk])
    with pytest.raises(CommandError, match="does not verify"):
        _archive("2026-06")
    assert _archived_tables() == [] and not AuditArchive.objects.exists()


def test_a_cut_tail_is_found_across_the_archived_months():
    _months()
    seq, head = chain.head()
    _archive("2026-06")
    call_command("verify_audit", "--no-seal", f"--expect={seq}:{head}")
    last = AuditEvent.objects.get(seal_seq=seq)
    as_superuser("DELETE FROM audit_events WHERE id = %s", [last.pk])
    with pytest.raises(CommandError):
        call_command("verify_audit", "--no-seal", f"--expect={seq}:{head}")
    archived_seq = AuditArchive.objects.get(first_seal_seq=4).last_seal_seq
    archived = chain.verify(expect=(archived_seq, "0" * 64))
    assert "seal 6 is not the head recorded earlier" in archived.problems


def test_the_cut_must_not_be_in_the_future_and_default_must_be_empty():
    with pytest.raises(CommandError, match="whole past months"):
        _archive("2999-01")
    _months()
    _row(datetime(2199, 1, 1, tzinfo=UTC), 1)
    with pytest.raises(CommandError, match="audit_events_default holds audit rows"):
        _archive("2026-06")
    assert _archived_tables() == [] and not AuditArchive.objects.exists()


def _as_owner_in_archive(statement, params=()):
    """What only the archived table's owner could do: switch its guard off, then change it."""
    sql(f"ALTER TABLE {ARCHIVE_SCHEMA}.audit_events_y2026m04 DISABLE TRIGGER USER")
    sql(statement.format(table=f"{ARCHIVE_SCHEMA}.audit_events_y2026m04"), params)


def test_verify_archived_checks_the_archived_rows_themselves(capsys):
    rows = _months()
    _archive("2026-06")
    call_command("verify_audit", "--archived")
    assert "6 archived rows checked" in capsys.readouterr().out
    _as_owner_in_archive("UPDATE {table} SET actor = 'nobody' WHERE id = %s", [rows[APRIL][1].pk])
    call_command("verify_audit")  # the records still link: only the rows show it
    with pytest.raises(CommandError, match="1 problem"):
        call_command("verify_audit", "--archived")
    assert f"row {rows[APRIL][1].pk} was edited" in capsys.readouterr().err


def test_verify_archived_finds_a_row_removed_from_an_archived_month(capsys):
    rows = _months()
    _archive("2026-06")
    _as_owner_in_archive("DELETE FROM {table} WHERE id = %s", [rows[APRIL][2].pk])
    with pytest.raises(CommandError):
        call_command("verify_audit", "--archived")
    err = capsys.readouterr().err
    assert "rows sealed 3..3 are missing from archive.audit_events_y2026m04 (removed)" in err
