"""Request ids in every log line, and the two log formats (text for people, JSON for shippers).

The request id lives in a context variable set by ``wms.middleware.RequestIdMiddleware`` for the
duration of a request; a filter on the handler copies it onto every record, so any logger in any
app gets it without passing it around. Outside a request the id is ``-``.
"""

import contextvars
import json
import logging
from datetime import UTC, datetime

NO_REQUEST = "-"

request_id_var: contextvars.ContextVar[str] = contextvars.ContextVar(
    "request_id", default=NO_REQUEST
)

TEXT_FORMAT = "%(asctime)s | %(levelname)s | [%(request_id)s] | %(message)s"
TEXT_DATE_FORMAT = "%Y-%m-%d %H:%M:%S"


def current_request_id() -> str:
    return request_id_var.get()


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id_var.get()
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line with the same fields as the text format, plus the logger."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "timestamp": datetime.fromtimestamp(record.created, UTC).isoformat(
                timespec="milliseconds"
            ),
            "level": record.levelname,
            "request_id": getattr(record, "request_id", NO_REQUEST),
            "logger": record.name,
            "message": record.getMessage(),
        }
        if isinstance(getattr(record, "event", None), dict):
            entry["event"] = record.event  # a security event (wms.security), for a SIEM
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)


def logging_config(*, level: str, fmt: str) -> dict:
    """The LOGGING setting: everything to stderr, in ``fmt`` ("text" or "json")."""
    if fmt not in ("text", "json"):
        raise ValueError(f"LOG_FORMAT must be 'text' or 'json', not {fmt!r}")
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"request_id": {"()": "wms.log.RequestIdFilter"}},
        "formatters": {
            "text": {"format": TEXT_FORMAT, "datefmt": TEXT_DATE_FORMAT},
            "json": {"()": "wms.log.JsonFormatter"},
        },
        "handlers": {
            "stderr": {
                "class": "logging.StreamHandler",
                "stream": "ext://sys.stderr",
                "filters": ["request_id"],
                "formatter": fmt,
            },
        },
        "root": {"handlers": ["stderr"], "level": level},
        "loggers": {
            # Django's own access-style lines duplicate "Request completed"; errors still pass.
            "django.request": {"level": "ERROR"},
            "django.server": {"level": "WARNING"},
            # psycopg_pool logs every checkout at INFO.
            "psycopg.pool": {"level": "WARNING"},
            # python-barcode says at import that it draws no PNGs (we draw SVG only).
            "pyBarcode": {"level": "WARNING"},
        },
    }
