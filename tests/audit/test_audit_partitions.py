"""The trail partitioned by month (PostgreSQL): made ahead with the ledger's, the DEFAULT
partition watched, and no partition, attached or archived, lets the application's role change,
remove or empty a row by raw SQL."""

from datetime import UTC, date, datetime

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from audit.models import AuditEvent
from audit.partitions import AUDIT_EVENTS
from tests.audit.support import sql
from tests.factories import ProductFactory
from wms.partitions import ARCHIVE_SCHEMA, next_month

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]

TABLE = AUDIT_EVENTS.table
INSERT = (
    "INSERT INTO {table} (id, created_at, action, model, object_id, actor, via, request_id,"
    " changes, content_hash, chain_hash) VALUES (nextval('audit_events_id_seq'), %s, 'update',"
    " 'product', '1', 'x', 'sql', '', '{{}}', '', '') RETURNING id"
)


def _attached() -> list[str]:
    return [part.name for part in AUDIT_EVENTS.partitions(connection.cursor())]


def _refused(statement, params=(), *, setting=None):
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        if setting is not None:
            sql("SELECT set_config(%s, '1', true)", [setting])
        sql(statement, params)


def test_migrate_makes_this_and_next_month_and_ledger_partitions_makes_more(capsys):
    this_month = timezone.now().date().replace(day=1)
    names = _attached()
    assert AUDIT_EVENTS.partition_name(this_month) in names
    assert AUDIT_EVENTS.partition_name(next_month(this_month)) in names
    assert AUDIT_EVENTS.default in names
    call_command("ledger_partitions", ahead=4)
    month = this_month
    for _ in range(5):
        assert AUDIT_EVENTS.partition_name(month) in _attached()
        month = next_month(month)
    out = capsys.readouterr().out
    assert "every DEFAULT partition is empty" in out and AUDIT_EVENTS.default in out


def test_a_row_no_month_takes_lands_in_default_and_is_reported(capsys):
    sql(INSERT.format(table=TABLE), [datetime(2199, 1, 1, tzinfo=UTC)])
    assert sql(f"SELECT COUNT(*) FROM {AUDIT_EVENTS.default}") == [(1,)]
    with pytest.raises(CommandError, match=f"{AUDIT_EVENTS.default} holds 1 row"):
        call_command("ledger_partitions")
    call_command("check_db")
    assert f"WARNING: {AUDIT_EVENTS.default} holds 1 audit_events row" in capsys.readouterr().err


def test_no_partition_lets_a_row_be_changed_removed_or_emptied():
    this_month = timezone.now().date().replace(day=1)
    past = date(this_month.year - 1, this_month.month, 1)
    archived = date(this_month.year - 2, this_month.month, 1)
    with connection.cursor() as cursor:
        AUDIT_EVENTS.create_month(cursor, past)
        AUDIT_EVENTS.create_month(cursor, archived)
    instants = {
        AUDIT_EVENTS.partition_name(month): datetime(month.year, month.month, 15, tzinfo=UTC)
        for month in (archived, past, this_month, next_month(this_month))
    }
    instants[AUDIT_EVENTS.default] = datetime(2199, 1, 1, tzinfo=UTC)
    ids = {name: sql(INSERT.format(table=name), [when])[0][0] for name, when in instants.items()}
    ProductFactory()
    call_command("seal_audit")
    old = AUDIT_EVENTS.partition_name(archived)
    with connection.cursor() as cursor:
        AUDIT_EVENTS.detach(cursor, old)
    # Through the parent and into each partition itself; an archived month on its own.
    targets = {name: (TABLE, name) for name in instants if name != old}
    targets[old] = (f"{ARCHIVE_SCHEMA}.{old}",)
    for name, tables in targets.items():
        for table in tables:
            _refused(f"UPDATE {table} SET actor = 'someone else' WHERE id = %s", [ids[name]])
            _refused(f"UPDATE {table} SET seal_seq = 999 WHERE id = %s", [ids[name]])
            _refused(f"DELETE FROM {table} WHERE id = %s", [ids[name]])
            # The transaction-local setting that once let audit_archive delete opens nothing.
            _refused(f"DELETE FROM {table}", setting="wms.audit_archive")
        _refused(f"TRUNCATE {tables[-1]}")
    _refused(INSERT.format(table=f"{ARCHIVE_SCHEMA}.{old}"), [instants[old]])
    assert sql(f"SELECT COUNT(*) FROM {ARCHIVE_SCHEMA}.{old}") == [(1,)]
    assert AuditEvent.objects.filter(pk__in=list(ids.values())).count() == len(ids) - 1
