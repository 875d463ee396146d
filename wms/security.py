"""Startup refusal of a missing or weak SECRET_KEY, by Django's own rule (check security.W009)."""

from django.core.exceptions import ImproperlyConfigured

# Django's thresholds (django.core.checks.security.base), repeated here because settings cannot
# import the checks framework before they are configured.
MIN_LENGTH = 50
MIN_UNIQUE_CHARACTERS = 5
INSECURE_PREFIX = "django-insecure-"

GENERATOR = 'python -c "import secrets; print(secrets.token_urlsafe(50))"'


def secret_key_problem(key: str) -> str | None:
    """Why ``key`` is not fit for production, or None."""
    if not key:
        return "SECRET_KEY is not set"
    if len(key) < MIN_LENGTH:
        return f"SECRET_KEY has {len(key)} characters; at least {MIN_LENGTH} are needed"
    if len(set(key)) < MIN_UNIQUE_CHARACTERS:
        return f"SECRET_KEY has fewer than {MIN_UNIQUE_CHARACTERS} distinct characters"
    if key.startswith(INSECURE_PREFIX):
        return f"SECRET_KEY starts with {INSECURE_PREFIX!r}, the mark of a throwaway key"
    return None


def require_strong_secret_key(key: str) -> None:
    problem = secret_key_problem(key)
    if problem:
        raise ImproperlyConfigured(
            f"{problem}. With DEBUG off the WMS refuses to start without a strong key. "
            f"Generate one with:\n    {GENERATOR}\n"
            "and set it in the environment (or in .env)."
        )
