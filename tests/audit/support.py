"""Helpers of the audit tests: raw SQL, what only a table owner can do, an empty trail."""

from django.db import connection


def sql(statement, params=()):
    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        return cursor.fetchall() if cursor.description else cursor.rowcount


def as_superuser(statement, params=()):
    """What only someone who can switch the guard off could do (ALTER TABLE ... DISABLE TRIGGER)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE audit_events DISABLE TRIGGER USER")
        else:
            cursor.execute("DROP TRIGGER audit_events_append_only")
        cursor.execute(statement, params)


def empty_trail():
    """Start from an empty trail: rows written when the test database was set up (the roles'
    groups, after a flush) are of today and would stand before the months a test writes. The way
    the suite's flush does it, inside the test's transaction."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT set_config('wms.audit_truncate', 'on', true)")
            cursor.execute("TRUNCATE audit_events")
            cursor.execute("SELECT set_config('wms.audit_truncate', 'off', true)")
        else:
            cursor.execute("DELETE FROM audit_events")
