from django.conf import settings
from django.core.checks import Error, register


@register()
def metrics_allowed_ips(app_configs, **kwargs):
    from wms.views import allowed_networks

    try:
        allowed_networks()
    except ValueError as exc:
        return [
            Error(
                f"METRICS_ALLOWED_IPS holds an entry that is not an address or network: {exc}",
                hint="Use addresses or CIDR networks, comma separated: 127.0.0.1,10.0.0.0/8",
                id="wms.E001",
            )
        ]
    return []


@register()
def timeout_budget(app_configs, **kwargs):
    """Each timeout below the one around it (docs/operations.md): when two are equal the outer
    one wins, and the client gets gunicorn's HTML error instead of the application's JSON."""
    lock, statement = settings.DB_LOCK_TIMEOUT, settings.DB_STATEMENT_TIMEOUT
    worker = settings.GUNICORN_TIMEOUT
    answer = statement + settings.DB_ANSWER_MARGIN if statement else None
    broken = []
    if lock <= 0:
        broken.append(f"DB_LOCK_TIMEOUT ({lock:g} s) must be positive: a lock wait must end")
    if statement and lock >= statement:
        broken.append(f"DB_LOCK_TIMEOUT ({lock:g} s) < DB_STATEMENT_TIMEOUT ({statement} s)")
    bounds = {
        f"DB_STATEMENT_TIMEOUT + {settings.DB_ANSWER_MARGIN} s": answer,
        "DB_POOL_TIMEOUT": settings.DB_POOL_TIMEOUT,
        "DB_CONNECT_TIMEOUT": settings.DB_CONNECT_TIMEOUT,
        "HEALTH_CHECK_TIMEOUT": settings.HEALTH_CHECK_TIMEOUT,
    }
    for name, seconds in bounds.items():
        if seconds is not None and seconds >= worker:
            broken.append(f"{name} ({seconds:g} s) < GUNICORN_TIMEOUT ({worker} s)")
    return [
        Error(
            f"The timeout budget is broken: {rule}.",
            hint="Keep lock wait < statement < gunicorn's timeout (docs/operations.md).",
            id="wms.E002",
        )
        for rule in broken
    ]


@register()
def shared_cache(app_configs, **kwargs):
    """On PostgreSQL (several processes, several instances) the rate limit counts in Redis."""
    if settings.REDIS_URL or settings.DATABASES["default"]["ENGINE"].endswith("sqlite3"):
        return []
    return [
        Error(
            "REDIS_URL is not set: on PostgreSQL the rate limit must count in a cache every "
            "process and instance shares, and a process-local one would let each gunicorn "
            "worker allow the whole limit.",
            hint="Set REDIS_URL, e.g. REDIS_URL=redis://127.0.0.1:6379/0 (docs/api.md, "
            "docs/operations.md). Only the embedded SQLite default runs without it.",
            id="wms.E003",
        )
    ]
