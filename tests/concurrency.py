"""Run callables at the same moment, each in its own thread with its own database connection."""

import threading
from collections.abc import Callable

from django.db import connection


def run_concurrently(calls: list[Callable[[], object]], timeout: float = 60) -> list[object]:
    """Start every call at once; return each call's result or the exception it raised."""
    barrier = threading.Barrier(len(calls))
    results: list[object] = [None] * len(calls)

    def worker(i: int, call: Callable[[], object]) -> None:
        try:
            barrier.wait()
            results[i] = call()
        except Exception as exc:  # the caller inspects what each worker saw
            results[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout)
    assert not any(t.is_alive() for t in threads), "a worker hung"
    return results
