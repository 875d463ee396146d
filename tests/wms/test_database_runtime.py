"""Pool and timeouts on real PostgreSQL connections."""

import pytest
from django.db import connection

from tests.wms.helpers import project_env, run_snippet, url_of_test_database

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]


def test_every_connection_carries_the_statement_timeout():
    with connection.cursor() as cursor:
        cursor.execute("SHOW statement_timeout")
        assert cursor.fetchone()[0] == "15s"


def test_every_connection_carries_the_connect_timeout():
    connection.ensure_connection()
    assert connection.connection.info.get_parameters()["connect_timeout"] == "5"


POOL_SIZES = """
from django.db import connection
pool = connection.pool
print(json.dumps([pool.min_size, pool.max_size]))
"""


def test_the_default_pool_is_one_plus_one_per_process():
    # 5 workers (2 cores) x 2 = 10 connections: several instances fit max_connections=100.
    env = project_env(DATABASE_URL=url_of_test_database())
    assert run_snippet(POOL_SIZES, env=env) == [1, 2]


def test_the_guides_pool_of_20_plus_10_is_there_by_environment():
    env = project_env(DATABASE_URL=url_of_test_database(), DB_POOL_SIZE="20", DB_MAX_OVERFLOW="10")
    assert run_snippet(POOL_SIZES, env=env) == [20, 30]


def test_the_pool_is_sized_from_the_guide_variables():
    pool = connection.pool
    # tests/environment.py: the test process's threads hold a connection each.
    assert (pool.min_size, pool.max_size) == (2, 20)
    assert pool.timeout == 10
    assert pool.max_lifetime == 3600
    assert connection.settings_dict["CONN_HEALTH_CHECKS"] is True  # checked before use
    assert connection.settings_dict["CONN_MAX_AGE"] == 0


def test_a_statement_past_the_timeout_is_cancelled():
    env = project_env(
        DATABASE_URL=url_of_test_database(), DB_STATEMENT_TIMEOUT="1", DB_POOL_SIZE="1"
    )
    outcome = run_snippet(
        """
from django.db import OperationalError, connection
with connection.cursor() as cursor:
    cursor.execute("SHOW statement_timeout")
    shown = cursor.fetchone()[0]
    started = time.monotonic()
    try:
        cursor.execute("SELECT pg_sleep(5)")
        error = None
    except OperationalError as exc:
        error = str(exc)
print(json.dumps({"shown": shown, "error": error, "elapsed": time.monotonic() - started}))
""",
        env=env,
    )
    assert outcome["shown"] == "1s"
    assert "statement timeout" in outcome["error"]
    assert outcome["elapsed"] < 3


def test_pool_can_be_turned_off():
    env = project_env(DATABASE_URL=url_of_test_database(), DB_POOL_SIZE="0")
    outcome = run_snippet(
        """
from django.db import connection
with connection.cursor() as cursor:
    cursor.execute("SHOW statement_timeout")
    shown = cursor.fetchone()[0]
print(json.dumps({"pool": connection.pool is not None, "shown": shown}))
""",
        env=env,
    )
    assert outcome == {"pool": False, "shown": "15s"}
