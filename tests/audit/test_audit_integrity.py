"""The trail is append-only and tamper-evident: verify_audit finds an edited or removed row."""

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction

from audit import chain
from audit.models import AuditEvent
from tests.audit.support import as_superuser as _as_superuser
from tests.factories import ProductFactory


def _trail(count=3):
    for _ in range(count):
        ProductFactory()
    return list(AuditEvent.objects.order_by("id"))


@pytest.mark.postgres
@pytest.mark.django_db
@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE audit_events SET actor = 'someone else' WHERE id = %s",
        "UPDATE audit_events SET seal_seq = 99, chain_hash = 'x' WHERE id = %s",
        "DELETE FROM audit_events WHERE id = %s",
    ],
)
def test_the_database_refuses_to_change_or_delete_audit_rows(sql):
    event = _trail(1)[0]
    call_command("seal_audit")
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(sql, [event.pk])


@pytest.mark.django_db
def test_sqlite_and_postgres_refuse_an_update_through_the_orm():
    event = _trail(1)[0]
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).update(actor="someone else")


@pytest.mark.django_db
def test_an_intact_trail_verifies_and_prints_its_head(capsys):
    _trail()
    call_command("verify_audit")
    out = capsys.readouterr().out
    assert "audit trail intact" in out
    seq, head = chain.head()
    assert f"{seq}:{head}" in out
    assert seq == AuditEvent.objects.count()


@pytest.mark.django_db
def test_an_edited_row_is_found():
    rows = _trail()
    call_command("verify_audit")
    _as_superuser("UPDATE audit_events SET actor = 'nobody' WHERE id = %s", [rows[1].pk])
    with pytest.raises(CommandError):
        call_command("verify_audit", "--no-seal")
    problems = chain.verify().problems
    assert problems == [f"row {rows[1].pk} was edited: its content hash differs"]


@pytest.mark.django_db
def test_an_edit_with_a_recomputed_content_hash_breaks_the_chain():
    rows = _trail()
    call_command("seal_audit")
    _as_superuser("UPDATE audit_events SET content_hash = %s WHERE id = %s", ["f" * 64, rows[0].pk])
    problems = chain.verify().problems
    assert any("breaks the chain" in p for p in problems), problems


@pytest.mark.django_db
def test_a_removed_row_is_found():
    rows = _trail()
    call_command("seal_audit")
    _as_superuser("DELETE FROM audit_events WHERE id = %s", [rows[1].pk])
    problems = chain.verify().problems
    assert any("missing (removed)" in p for p in problems), problems


@pytest.mark.django_db
def test_a_truncated_tail_is_found_with_the_head_kept_elsewhere():
    rows = _trail()
    call_command("seal_audit")
    seq, head = chain.head()
    _as_superuser("DELETE FROM audit_events WHERE id = %s", [rows[-1].pk])
    with pytest.raises(CommandError):
        call_command("verify_audit", "--no-seal", f"--expect={seq}:{head}")


@pytest.mark.django_db
def test_an_edited_unsealed_row_is_not_sealed():
    rows = _trail()
    _as_superuser("UPDATE audit_events SET model = 'lot' WHERE id = %s", [rows[0].pk])
    with pytest.raises(chain.TamperedRow):
        chain.seal()
    assert not AuditEvent.objects.filter(seal_seq__isnull=False).exists()


@pytest.mark.postgres
@pytest.mark.django_db
def test_rows_cannot_be_inserted_presealed():
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO audit_events (created_at, action, model, object_id, actor, via,"
            " request_id, changes, content_hash, seal_seq, chain_hash)"
            " VALUES (now(), 'create', 'product', '1', 'x', 'api', '', '{}', 'forged', 1, 'x')"
            " RETURNING seal_seq, content_hash"
        )
        seal_seq, content_hash = cursor.fetchone()
    assert seal_seq is None and content_hash != "forged"


@pytest.mark.postgres
@pytest.mark.django_db
@pytest.mark.parametrize("setting", [None, "off", ""])
def test_truncate_is_refused(setting):
    ProductFactory()
    with pytest.raises(DatabaseError, match="append-only: TRUNCATE refused"):
        with transaction.atomic(), connection.cursor() as cursor:
            if setting is not None:
                cursor.execute("SELECT set_config('wms.audit_truncate', %s, true)", [setting])
            cursor.execute("TRUNCATE audit_events")
    assert AuditEvent.objects.exists()
    assert chain.verify().problems == []


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_the_suites_flush_still_empties_the_trail():
    """A transactional test's teardown flushes every table with TRUNCATE: this one leaves audit
    rows behind for it (tests/support/database.py turns the guard off for that statement)."""
    ProductFactory()
    assert AuditEvent.objects.exists()
