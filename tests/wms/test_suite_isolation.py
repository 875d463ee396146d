"""Two runs of the suite on one machine, or the suite beside a real Redis, stay apart."""

import os

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import connection

from tests.support.cache import clear_rate_limits
from tests.support.database import ON_POSTGRES


@pytest.mark.skipif(not settings.REDIS_URL, reason="needs REDIS_URL")
def test_clearing_the_counters_leaves_the_rest_of_the_redis_database():
    import redis

    client = redis.Redis.from_url(settings.REDIS_URL)
    other = f"someone-else:{os.getpid()}"
    client.set(other, "kept", ex=60)
    try:
        cache.set("counter", 3)
        clear_rate_limits()
        assert cache.get("counter") is None
        assert client.get(other) == b"kept"
        assert settings.CACHES["default"]["KEY_PREFIX"].startswith("wms-test-")
    finally:
        client.delete(other)


@pytest.mark.django_db
@pytest.mark.skipif(not ON_POSTGRES, reason="SQLite tests run in memory")
def test_the_test_database_is_this_run_s_own():
    assert connection.settings_dict["NAME"].endswith(f"_{os.getpid()}")
