"""Migration 0004 converts a populated trail to the partitioned table and back, keeping every
row, seal, name and guard; the chain verifies afterwards and the trail goes on writing."""

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from audit import chain
from audit.models import AuditEvent
from tests.audit.support import sql
from tests.factories import ProductFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def migrate(target):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate([target])


def trail():
    return sql("SELECT * FROM audit_events ORDER BY id")


def shape():
    """(relkind, primary key, unique seal key, triggers, index names, constraint names)."""
    [(kind,)] = sql("SELECT relkind FROM pg_class WHERE relname = 'audit_events'")
    keys = sql(
        "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
        "WHERE conrelid = 'audit_events'::regclass AND contype IN ('p', 'u') ORDER BY conname"
    )
    triggers = sql(
        "SELECT tgname FROM pg_trigger WHERE tgrelid = 'audit_events'::regclass "
        "AND NOT tgisinternal ORDER BY tgname"
    )
    indexes = sql("SELECT indexname FROM pg_indexes WHERE tablename = 'audit_events' ORDER BY 1")
    return kind, keys, triggers, indexes


def partition_triggers():
    """Each partition's own guards: the cloned row triggers and its TRUNCATE trigger."""
    return sql(
        "SELECT c.relname, array_agg(t.tgname::text ORDER BY t.tgname) FROM pg_inherits i "
        "JOIN pg_class c ON c.oid = i.inhrelid JOIN pg_trigger t ON t.tgrelid = c.oid "
        "WHERE i.inhparent = 'audit_events'::regclass AND NOT t.tgisinternal GROUP BY 1"
    )


def test_a_populated_trail_is_converted_both_ways():
    triggers = [(f"audit_events_{name}",) for name in ("append_only", "hash", "no_truncate")]
    try:
        ProductFactory.create_batch(3)
        call_command("seal_audit")
        ProductFactory()  # and a row not sealed yet
        rows = trail()
        partitioned = shape()
        assert partitioned[:3] == (
            "p",
            [
                ("audit_events_pkey", "PRIMARY KEY (id, created_at)"),
                ("audit_events_seal_seq_key", "UNIQUE (seal_seq, created_at)"),
            ],
            triggers,
        )
        guards = partition_triggers()
        assert guards and all(names == [name for (name,) in triggers] for _, names in guards)

        migrate(("audit", "0003_archives"))
        plain = shape()
        assert plain[:3] == (
            "r",
            [
                ("audit_events_pkey", "PRIMARY KEY (id)"),
                ("audit_events_seal_seq_key", "UNIQUE (seal_seq)"),
            ],
            triggers,
        )
        assert plain[3] == partitioned[3]
        assert trail() == rows  # seals and hashes as they were (this code verifies at 0005)

        call_command("migrate", verbosity=0)
        assert shape() == partitioned
        assert trail() == rows
        ProductFactory()
        assert AuditEvent.objects.order_by("-id").first().pk > rows[-1][0]
        call_command("seal_audit")
        assert chain.verify().problems == []
        call_command("verify_schema")
    finally:
        call_command("migrate", verbosity=0)
        call_command("flush", "--no-input", verbosity=0)
