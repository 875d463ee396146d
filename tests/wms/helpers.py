"""Running the project in other processes: manage.py, a Django snippet, or gunicorn."""

import json
import os
import secrets
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from pathlib import Path

from django.db import connection

from tests.environment import PLAIN_HTTP, TEST_PROCESS_POOL

PROJECT = Path(__file__).resolve().parents[2]
UNREACHABLE_REDIS = "redis://127.0.0.1:9/0"
GUNICORN = str(Path(sys.executable).with_name("gunicorn"))

SNIPPET_PREAMBLE = """
import json, os, sys, time
import django
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django.setup()
"""


def strong_key() -> str:
    return secrets.token_urlsafe(50)


def url_of_test_database() -> str:
    """The URL of the database the tests run on (pytest-django's test database)."""
    s = connection.settings_dict
    password = f":{s['PASSWORD']}" if s["PASSWORD"] else ""
    return f"postgres://{s['USER']}{password}@{s['HOST']}:{s['PORT'] or 5432}/{s['NAME']}"


def project_env(**overrides: str) -> dict[str, str]:
    """The current environment without the project's settings, plus ``overrides``.

    Real variables win over the project's .env file, so every setting a test depends on is
    given here explicitly.
    """
    dropped = {"DATABASE_URL", "DEBUG", *PLAIN_HTTP, *TEST_PROCESS_POOL}
    env = {k: v for k, v in os.environ.items() if k not in dropped}
    env.update(SECRET_KEY=strong_key(), DEBUG="False", PYTHONUNBUFFERED="1")
    env.update(overrides)
    if env.get("DATABASE_URL", "").startswith("postgres") and "REDIS_URL" not in env:
        # On PostgreSQL the settings require a shared cache (the rate limit's); a run without
        # Redis gives one that is never reached: counting fails open, as it would in production.
        env["REDIS_URL"] = UNREACHABLE_REDIS
    return env


def run_manage(*args: str, env: dict[str, str], timeout: float = 60):
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=PROJECT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def run_snippet(code: str, *, env: dict[str, str], timeout: float = 60) -> dict:
    """Run ``code`` after django.setup(); it prints one JSON object last, which is returned."""
    result = subprocess.run(
        [sys.executable, "-c", SNIPPET_PREAMBLE + code],
        cwd=PROJECT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def http(method: str, url: str, headers: dict | None = None, timeout: float = 10):
    """(status, headers, body) without raising on error statuses."""
    request = urllib.request.Request(url, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, response.headers, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read().decode()


class Server:
    def __init__(self, url: str, process: subprocess.Popen, stdout: Path, stderr: Path):
        self.url, self.process, self.stdout_path, self.stderr_path = url, process, stdout, stderr

    def stdout(self) -> str:
        return self.stdout_path.read_text()

    def stderr(self) -> str:
        return self.stderr_path.read_text()


@contextmanager
def gunicorn(tmp_path: Path, *, workers: int = 2, env: dict[str, str], startup: float = 30):
    """gunicorn with the project's gunicorn.conf.py on a free 127.0.0.1 port, stopped after."""
    port = free_port()
    stdout, stderr = tmp_path / "gunicorn.out", tmp_path / "gunicorn.err"
    with stdout.open("w") as out, stderr.open("w") as err:
        process = subprocess.Popen(
            [GUNICORN, "--config", "gunicorn.conf.py", "--bind", f"127.0.0.1:{port}"],
            cwd=PROJECT,
            env={**env, "WEB_CONCURRENCY": str(workers)},
            stdout=out,
            stderr=err,
        )
    server = Server(f"http://127.0.0.1:{port}", process, stdout, stderr)
    try:
        deadline = time.monotonic() + startup
        while True:
            try:
                if http("GET", server.url + "/healthz", timeout=2)[0] == 200:
                    break
            except OSError:
                pass
            assert process.poll() is None, f"gunicorn exited: {server.stderr()[-3000:]}"
            assert time.monotonic() < deadline, f"gunicorn did not start: {server.stderr()}"
            time.sleep(0.2)
        yield server
    finally:
        process.terminate()
        try:
            process.wait(timeout=35)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
