"""The rate-limit counters, emptied between tests."""

from django.core.cache import cache


def clear_rate_limits() -> None:
    """Empty the rate-limit counters (they live in the default cache). In Redis only this run's
    keys (its CACHE_KEY_PREFIX) are deleted: cache.clear() would FLUSHDB the whole database."""
    if hasattr(cache, "delete_pattern"):
        cache.delete_pattern("*")
    else:
        cache.clear()
