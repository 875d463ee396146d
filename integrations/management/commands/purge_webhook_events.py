from datetime import timedelta

from django.core.management.base import BaseCommand, CommandError
from django.db.models import Exists, OuterRef
from django.utils import timezone

from integrations.models import Delivery, DeliveryStatus, OutboxEvent
from wms.db import delete_in_batches

BATCH = 5_000


class Command(BaseCommand):
    help = (
        "Delete outbox events older than --days (default 30) with their delivery logs, once "
        "none of their deliveries is still pending. In batches; run it daily."
    )

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=30, help="Keep this many days.")

    def handle(self, *args, days: int, **options):
        if days < 1:
            raise CommandError("--days must be at least 1.")
        pending = Delivery.objects.filter(event=OuterRef("pk"), status=DeliveryStatus.PENDING)
        done = OutboxEvent.objects.filter(
            created_at__lt=timezone.now() - timedelta(days=days)
        ).exclude(Exists(pending))
        deleted = delete_in_batches(done, batch=BATCH)
        self.stdout.write(f"Deleted {deleted} webhook event(s) older than {days} days.")
