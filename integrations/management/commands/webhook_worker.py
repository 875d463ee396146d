import logging
import signal
import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import DatabaseError, close_old_connections

from integrations.delivery import deliver_due
from integrations.lanes import Lanes

logger = logging.getLogger("integrations.worker")


class Command(BaseCommand):
    help = (
        "Deliver the webhook outbox: POST every due event to its subscriptions, retrying "
        "failures, each subscription in its own lane (WEBHOOK_CONCURRENCY at once), so a slow "
        "receiver delays no other. Run as many as needed, anywhere; --once delivers what is "
        "due, one at a time, and exits."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--once", action="store_true", help="Deliver everything due now, then exit."
        )
        parser.add_argument("--batch", type=int, default=20, help="Deliveries claimed at once.")
        parser.add_argument(
            "--heartbeat",
            type=Path,
            help="A file touched at every turn of the loop, for a container's healthcheck.",
        )

    def handle(self, *args, once, batch, heartbeat, **options):
        if once:
            total = 0
            while attempted := deliver_due(limit=batch):
                total += attempted
            self.stdout.write(f"{total} deliveries attempted.")
            return
        self._stopping = False
        for signum in (signal.SIGTERM, signal.SIGINT):
            signal.signal(signum, self._stop)
        lanes = Lanes(concurrency=settings.WEBHOOK_CONCURRENCY)
        logger.info("Webhook worker started (%d lanes)", settings.WEBHOOK_CONCURRENCY)
        while not self._stopping:
            if heartbeat:
                heartbeat.touch()
            try:
                started = lanes.tick(limit=batch)
            except DatabaseError:
                logger.exception("Webhook worker: the database is unavailable; retrying")
                close_old_connections()
                started = 0
            if not started:
                time.sleep(settings.WEBHOOK_WORKER_POLL_SECONDS)
        lanes.shutdown()
        logger.info("Webhook worker stopped")

    def _stop(self, signum, frame):
        # Finish the lanes in hand (their leases would otherwise have to run out), then exit.
        self._stopping = True
