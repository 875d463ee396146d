"""Run callables at the same moment, each in its own thread with its own database connection."""

import random
import threading
from collections.abc import Callable

from django.db import connection

import inventory.services.stock
from inventory.models import Quant


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


def lock_quants_in_random_order(monkeypatch) -> None:
    """Break the one lock order on purpose, for the threads of this process: before the
    engine's own ordered lock, every posting locks the quants of its warehouses and products
    one by one in a random order. A workload that never deadlocks in the real order must then
    deadlock, or its test proves nothing."""
    ordered = inventory.services.stock._lock_quants

    def shuffled(changes, takes, destinations):
        touched = list(changes) + list(takes)
        ids = list(
            Quant.objects.filter(
                warehouse_id__in={c.warehouse_id for c in touched}
                | {t.to_warehouse_id for t in takes if t.to_warehouse_id},
                product_id__in={c.product_id for c in touched},
            ).values_list("pk", flat=True)
        )
        random.shuffle(ids)
        for pk in ids:
            list(Quant.objects.select_for_update().filter(pk=pk).values_list("pk"))
        return ordered(changes, takes, destinations)

    monkeypatch.setattr(inventory.services.stock, "_lock_quants", shuffled)
