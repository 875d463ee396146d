"""The environment the test suite runs in, set before Django reads its settings.

Loaded as a plugin (``-p tests.environment`` in pyproject.toml), ahead of pytest-django's set-up.
The suite talks plain HTTP to Django's test client and to the live server of the browser tests;
the secure production defaults are tested on their own, in subprocesses given a production
environment (tests/wms/test_deploy_check.py).
"""

import os

PLAIN_HTTP = {
    "SECURE_SSL_REDIRECT": "False",
    "SESSION_COOKIE_SECURE": "False",
    "CSRF_COOKIE_SECURE": "False",
    "SECURE_HSTS_SECONDS": "0",
}

# The test process runs concurrency tests in threads, each holding its own connection: a pool
# larger than a gunicorn worker's, still within the ~20 connections a test may use.
TEST_PROCESS_POOL = {"DB_POOL_SIZE": "2", "DB_MAX_OVERFLOW": "18"}

# The suite's cache keys (rate-limit counters) under a prefix of this run's own: clearing them
# between tests deletes these keys only, never the rest of the Redis database it is given
# (which may be someone's real one), and two runs on one machine count apart.
TEST_CACHE = {"CACHE_KEY_PREFIX": f"wms-test-{os.getpid()}"}

for name, value in {**PLAIN_HTTP, **TEST_PROCESS_POOL, **TEST_CACHE}.items():
    os.environ.setdefault(name, value)
