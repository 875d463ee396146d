"""The worker's deliveries in lanes, one per subscription, run side by side.

A receiver that hangs to the timeout must not delay any other: each subscription's claimed
deliveries are sent in order by one thread of a pool (WEBHOOK_CONCURRENCY threads), and the
worker goes on claiming for the other subscriptions while a lane is busy. A busy subscription's
new deliveries are not claimed until its lane is free, so they are not leased to a worker that
cannot send them yet (another worker may take them). Each thread uses its own database
connection and closes it when its lane is done.
"""

import logging
from collections import defaultdict
from concurrent.futures import Future, ThreadPoolExecutor

from django.db import connection

from integrations.delivery import claim, deliver, release

logger = logging.getLogger("integrations.worker")


def _run_lane(deliveries) -> None:
    try:
        for delivery in deliveries:
            deliver(delivery)
    except Exception:
        logger.exception("Webhook lane of subscription %s failed", deliveries[0].subscription_id)
    finally:
        connection.close()


def _pool_fits(lanes: int) -> None:
    """Let this process's connection pool hold a connection per lane and the claiming thread:
    sized for a web worker (one at a time), it would make the lanes wait for each other."""
    pool = connection.settings_dict["OPTIONS"].get("pool")
    if isinstance(pool, dict) and pool.get("max_size", 0) < lanes + 1:
        pool["max_size"] = lanes + 1
        connection.close_pool()  # made again, with the new size, at the next connection


class Lanes:
    """Claim due deliveries for the subscriptions whose lane is free, and start their lanes."""

    def __init__(self, *, concurrency: int):
        _pool_fits(concurrency)
        self.concurrency = concurrency
        self.pool = ThreadPoolExecutor(concurrency, thread_name_prefix="webhook-lane")
        self.busy: dict[int, Future] = {}

    def tick(self, *, limit: int) -> int:
        """Start lanes for what is due; how many deliveries were started."""
        self.busy = {sub: lane for sub, lane in self.busy.items() if not lane.done()}
        free = self.concurrency - len(self.busy)
        if free <= 0:
            return 0
        claimed = claim(limit=limit, skip_subscriptions=set(self.busy))
        lanes: dict[int, list] = defaultdict(list)
        for delivery in claimed:
            lanes[delivery.subscription_id].append(delivery)
        started = 0
        for position, (subscription, deliveries) in enumerate(lanes.items()):
            if position >= free:
                release(deliveries)  # no thread for them now: let any worker take them
                continue
            self.busy[subscription] = self.pool.submit(_run_lane, deliveries)
            started += len(deliveries)
        return started

    def idle(self) -> bool:
        return all(lane.done() for lane in self.busy.values())

    def shutdown(self) -> None:
        """Finish the lanes in hand (their leases would otherwise have to run out)."""
        self.pool.shutdown(wait=True)
