"""`manage.py check --deploy --fail-level WARNING` passes with a production environment."""

from types import SimpleNamespace

from tests.wms.helpers import project_env, run_manage, run_snippet

PRODUCTION = {
    "DEBUG": "False",
    "ALLOWED_HOSTS": "wms.example.com",
    "DATABASE_URL": "postgres://wms@db.internal:5432/warehouse_db?sslmode=require",
    "REDIS_URL": "redis://cache.internal:6379/0",
}


def test_deploy_check_passes_in_production():
    result = run_manage(
        "check", "--deploy", "--fail-level", "WARNING", env=project_env(**PRODUCTION)
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_without_a_shared_cache_for_the_rate_limit_the_deploy_check_fails():
    env = {k: v for k, v in project_env(**PRODUCTION).items() if k != "REDIS_URL"}
    result = run_manage("check", "--deploy", env=env)
    assert result.returncode != 0
    assert "wms.E003" in result.stderr
    assert "REDIS_URL is not set" in result.stderr and "REDIS_URL=redis://" in result.stderr


def test_the_embedded_default_counts_in_its_one_process_without_complaint():
    env = {k: v for k, v in project_env().items() if k != "REDIS_URL"}
    result = run_manage("check", env=env)
    assert result.returncode == 0, result.stderr
    assert "django_ratelimit" not in result.stdout + result.stderr


def test_switching_https_off_is_possible_and_the_deploy_check_says_so():
    env = project_env(**PRODUCTION, SECURE_SSL_REDIRECT="False", SECURE_HSTS_SECONDS="0")
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", env=env)
    assert result.returncode != 0
    assert "security.W008" in result.stderr  # SECURE_SSL_REDIRECT
    assert "security.W004" in result.stderr  # SECURE_HSTS_SECONDS


def test_settings_are_secure_by_default_with_debug_off():
    settings = SimpleNamespace(
        **run_snippet(
            "from django.conf import settings as s; import json; print(json.dumps({k: getattr(s, k)"
            " for k in ('SECURE_SSL_REDIRECT', 'SESSION_COOKIE_SECURE', 'CSRF_COOKIE_SECURE',"
            " 'SECURE_HSTS_SECONDS', 'X_FRAME_OPTIONS', 'SECURE_CONTENT_TYPE_NOSNIFF',"
            " 'SECURE_REFERRER_POLICY')}))",
            env=project_env(),
        )
    )
    assert settings.SECURE_SSL_REDIRECT is True
    assert settings.SESSION_COOKIE_SECURE is True
    assert settings.CSRF_COOKIE_SECURE is True
    assert settings.SECURE_HSTS_SECONDS >= 31536000
    assert settings.X_FRAME_OPTIONS == "DENY"
    assert settings.SECURE_CONTENT_TYPE_NOSNIFF is True
    assert settings.SECURE_REFERRER_POLICY == "same-origin"
