"""django-ratelimit counts in fixed windows whose end depends on the key (crc32 of its value):
a test that needs N attempts in one window first waits out a window about to end."""

import time
import zlib


def wait_for_a_fresh_window(*values: str, period: int = 60, margin: float = 10) -> None:
    """Return once none of the windows of ``values`` ends within ``margin`` seconds."""
    while True:
        now = time.time()
        ends = []
        for value in values:
            end = int(now) - int(now) % period + zlib.crc32(value.encode()) % period
            ends.append(end + period if end < now else end)
        soonest = min(ends) - now
        if soonest >= margin:
            return
        time.sleep(soonest + 1)
