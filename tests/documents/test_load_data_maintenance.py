"""generate_load_data's ANALYZE waits for a table held by someone else's maintenance instead of
failing after the request's lock budget (DB_LOCK_TIMEOUT), as it did once in a suite run."""

import threading
import time

import psycopg
import pytest
from django.core.management import call_command
from django.db import connection

from tests.inventory.load_data import SMALL
from tests.wms.helpers import url_of_test_database

pytestmark = pytest.mark.postgres


def _hold_maintenance_lock(dsn, waiter_pid, held, done):
    """Take the lock ANALYZE needs on a table the generator does not write, keep it until the
    generator's backend has waited on it longer than the lock budget, then let go."""
    with psycopg.connect(dsn, autocommit=False) as other:
        other.execute("LOCK TABLE webhook_subscriptions IN SHARE UPDATE EXCLUSIVE MODE")
        held.set()
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and not done.is_set():
            waiting = other.execute(
                "SELECT 1 FROM pg_locks WHERE pid = %s AND NOT granted", [waiter_pid]
            ).fetchone()
            if waiting:
                time.sleep(4)  # past DB_LOCK_TIMEOUT (3 s)
                break
            time.sleep(0.05)
        other.rollback()


@pytest.mark.django_db
def test_the_analyze_waits_for_a_table_held_by_maintenance(settings):
    assert settings.DB_LOCK_TIMEOUT < 4
    dsn = url_of_test_database()
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        (pid,) = cursor.fetchone()
    held, done = threading.Event(), threading.Event()
    holder = threading.Thread(target=_hold_maintenance_lock, args=(dsn, pid, held, done))
    holder.start()
    try:
        assert held.wait(10)
        call_command("generate_load_data", *SMALL, "--no-reconcile")
    finally:
        done.set()
        holder.join()
    with connection.cursor() as cursor:
        cursor.execute("SHOW lock_timeout")
        assert cursor.fetchone()[0] != "0"  # the request's budget is back
