"""With DEBUG off the project refuses a missing or weak SECRET_KEY, and says how to fix it."""

import subprocess
import sys

import pytest

from tests.wms.helpers import PROJECT, project_env, run_manage
from wms.security import GENERATOR


@pytest.mark.parametrize(
    ("key", "why"),
    [
        ("", "not set"),
        ("x" * 49, "49 characters"),
        ("ab" * 30, "fewer than 5 distinct"),
        ("django-insecure-" + "k3y-" * 12, "django-insecure-"),
        # The generator of the deployment guide makes 43 characters: too short for Django.
        ("AbCdEfGhIjKlMnOpQrStUvWxYz0123456789-_AbCde", "43 characters"),
    ],
)
def test_weak_key_stops_the_project_with_the_fix(key, why):
    result = run_manage("check", env=project_env(SECRET_KEY=key))
    assert result.returncode != 0
    assert why in result.stderr
    assert GENERATOR in result.stderr


def test_the_suggested_generator_makes_a_key_that_starts():
    key = subprocess.run(
        [sys.executable, "-c", "import secrets; print(secrets.token_urlsafe(50))"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    assert GENERATOR.endswith('print(secrets.token_urlsafe(50))"')
    result = run_manage("check", env=project_env(SECRET_KEY=key))
    assert result.returncode == 0, result.stderr


def test_development_with_debug_accepts_a_weak_key():
    result = run_manage("check", env=project_env(SECRET_KEY="dev", DEBUG="True"))
    assert result.returncode == 0, result.stderr


def test_make_writes_a_strong_git_ignored_env(tmp_path):
    """`make run` and `make test` create .env with a generated key when there is none."""
    result = subprocess.run(
        ["make", "-s", "-f", str(PROJECT / "Makefile"), "-C", str(tmp_path), ".env"],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    key = (tmp_path / ".env").read_text().strip().removeprefix("SECRET_KEY=")
    assert len(key) >= 50 and len(set(key)) >= 5
    ignored = subprocess.run(["git", "check-ignore", "-q", ".env"], cwd=PROJECT)
    assert ignored.returncode == 0
