"""Which database the suite runs on, and the mark for tests that need PostgreSQL."""

import pytest
from django.conf import settings

ON_POSTGRES = settings.DATABASES["default"]["ENGINE"].endswith("postgresql")

postgres_only = pytest.mark.skipif(
    not ON_POSTGRES,
    reason="needs PostgreSQL (row locks, constraints, timeouts); set DATABASE_URL to run it",
)
