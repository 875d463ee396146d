from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from integrations.expiry import lots_expiring_announce


class Command(BaseCommand):
    help = (
        "Record lot.expiring for lots with stock that expire within --days (default "
        "WEBHOOK_LOT_EXPIRING_DAYS), once per lot and expiry date, however often it runs and "
        "however many run at once. Run it daily; the webhook worker delivers the events."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--days",
            type=int,
            default=None,
            help="Look this many days ahead (default: WEBHOOK_LOT_EXPIRING_DAYS).",
        )

    def handle(self, *args, days: int | None, **options):
        days = settings.WEBHOOK_LOT_EXPIRING_DAYS if days is None else days
        if days < 0:
            raise CommandError("--days must be 0 or more.")
        announced = lots_expiring_announce(today=timezone.localdate(), days=days)
        self.stdout.write(f"Announced {announced} lot(s) expiring within {days} days.")
