from datetime import timedelta

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from tqdm import tqdm

from documents.models import PostingFailure
from wms.db import delete_in_batches


class Command(BaseCommand):
    help = (
        "Delete recorded failed postings older than --days (default 90), in batches so that "
        "no long lock is held. Run it daily."
    )

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=90, help="Keep this many days.")

    def handle(self, *args, days: int, **options):
        if days < 1:
            raise CommandError("--days must be at least 1.")
        old = PostingFailure.objects.filter(created_at__lt=timezone.now() - timedelta(days=days))
        with tqdm(total=old.count(), desc="purge", unit="row", disable=None) as bar:
            deleted = delete_in_batches(old, batch=10_000, progress=bar.update)
        self.stdout.write(f"Deleted {deleted} failed posting(s) older than {days} days.")
