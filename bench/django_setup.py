"""Django for a benchmark run as a script: the project on the path, one connection per
process (like a sync gunicorn worker), logs quiet unless LOG_LEVEL says otherwise.

Imported first by each benchmark; it sets Django up on import.
"""

import os
import secrets
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
# DEBUG off (production) needs a strong key; a throwaway one is enough for a benchmark.
os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(50))
os.environ.setdefault("DB_POOL_SIZE", "1")
os.environ.setdefault("DB_MAX_OVERFLOW", "0")
# A line per document on a terminal would measure the terminal; LOG_LEVEL=INFO to include it.
os.environ.setdefault("LOG_LEVEL", "WARNING")

import django  # noqa: E402

django.setup()
