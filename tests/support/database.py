"""Which database the suite runs on, and the mark for tests that need PostgreSQL."""

import pytest
from django.conf import settings

ON_POSTGRES = settings.DATABASES["default"]["ENGINE"].endswith("postgresql")

postgres_only = pytest.mark.skipif(
    not ON_POSTGRES,
    reason="needs PostgreSQL (row locks, constraints, timeouts); set DATABASE_URL to run it",
)


def install_flush_truncate(sender, connection, **kwargs):
    """connection_created receiver: the suite's flush between transactional tests empties every
    table with one TRUNCATE, which audit_events refuses (audit.postgres) unless
    ``wms.audit_truncate`` is on in the transaction. Turn it on in the flush's transaction, and
    only there: a TRUNCATE anywhere else, tests included, is still refused."""
    if connection.vendor != "postgresql" or getattr(connection.ops, "flushes_audit", False):
        return
    execute_sql_flush = connection.ops.execute_sql_flush

    def flush(sql_list):
        return execute_sql_flush(["SELECT set_config('wms.audit_truncate', 'on', true)", *sql_list])

    connection.ops.execute_sql_flush = flush
    connection.ops.flushes_audit = True
