"""An unreachable database or an exhausted pool is answered with a prompt 503, never a hang."""

import pytest

from tests.wms.helpers import project_env, run_snippet, url_of_test_database

# A request that needs the database: the admin reads the session of its cookie.
REQUESTS = """
from django.test import Client

def timed(path, **extra):
    client = Client()
    client.cookies["sessionid"] = "s" * 32
    started = time.monotonic()
    response = client.get(path, secure=True, HTTP_HOST="localhost", **extra)
    body = response.json() if response["Content-Type"] == "application/json" else None
    return {
        "status": response.status_code,
        "body": body,
        "retry_after": response.get("Retry-After"),
        "request_id": response.get("X-Request-ID"),
        "elapsed": time.monotonic() - started,
    }
"""

UNREACHABLE = "postgres://postgres@127.0.0.1:1/wms"


def test_health_is_unhealthy_at_once_when_the_database_is_down():
    outcome = run_snippet(
        REQUESTS + 'print(json.dumps({"health": timed("/health"), "live": timed("/healthz")}))',
        env=project_env(DATABASE_URL=UNREACHABLE),
    )
    health = outcome["health"]
    assert health["status"] == 503
    assert health["body"] == {"status": "unhealthy", "database": "disconnected", "version": "1.0.0"}
    assert health["elapsed"] < 3
    # Liveness does not depend on the database.
    assert outcome["live"]["status"] == 200


def test_requests_needing_the_database_get_503_json_with_retry_after_at_once():
    outcome = run_snippet(
        REQUESTS + 'print(json.dumps(timed("/admin/")))',
        env=project_env(DATABASE_URL=UNREACHABLE),
    )
    assert outcome["status"] == 503
    assert outcome["body"]["code"] == "database_unavailable"
    assert "unavailable" in outcome["body"]["detail"]
    assert outcome["retry_after"] == "5"
    assert outcome["request_id"]
    assert outcome["elapsed"] < 3


def test_without_a_pool_an_unreachable_database_is_also_a_503():
    outcome = run_snippet(
        REQUESTS + 'print(json.dumps({"health": timed("/health"), "admin": timed("/admin/")}))',
        env=project_env(DATABASE_URL=UNREACHABLE, DB_POOL_SIZE="0", DB_CONNECT_TIMEOUT="2"),
    )
    assert outcome["health"]["status"] == 503
    assert outcome["admin"]["status"] == 503
    assert outcome["admin"]["body"]["code"] == "database_unavailable"


@pytest.mark.postgres
@pytest.mark.django_db
def test_an_exhausted_pool_is_a_503_after_the_pool_timeout_not_a_hang():
    env = project_env(
        DATABASE_URL=url_of_test_database(),
        DB_POOL_SIZE="1",
        DB_MAX_OVERFLOW="0",
        DB_POOL_TIMEOUT="1",
    )
    outcome = run_snippet(
        REQUESTS
        + """
from django.db import connection
pool = connection.pool
pool.open()
pool.wait()
held = pool.getconn()  # the pool's only connection, taken by "another request"
busy = {"admin": timed("/admin/"), "health": timed("/health")}
pool.putconn(held)
print(json.dumps({**busy, "after": timed("/health")}))
""",
        env=env,
    )
    admin = outcome["admin"]
    assert admin["status"] == 503
    assert admin["body"] == {
        "detail": "All database connections are busy. Retry shortly.",
        "code": "database_unavailable",
    }
    assert admin["retry_after"] == "5"
    assert 0.9 < admin["elapsed"] < 3
    assert outcome["health"]["status"] == 503
    assert outcome["health"]["elapsed"] < 3
    assert outcome["after"]["status"] == 200
