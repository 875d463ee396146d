from django.core.management.base import BaseCommand

from wms.idempotency import purge_expired, ttl


class Command(BaseCommand):
    help = (
        "Delete Idempotency-Keys older than IDEMPOTENCY_KEY_TTL_HOURS (at least 24). "
        "Run it daily; an expired key is ignored by the API even before it is purged."
    )

    def handle(self, *args, **options):
        deleted = purge_expired()
        self.stdout.write(f"Deleted {deleted} idempotency keys older than {ttl()}.")
