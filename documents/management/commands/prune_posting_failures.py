from datetime import timedelta

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from tqdm import tqdm

from documents.models import PostingFailure

BATCH = 10_000


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
        total = old.count()
        deleted = 0
        with tqdm(total=total, desc="prune", unit="row", disable=None) as bar:
            while batch := list(old.order_by("id").values_list("id", flat=True)[:BATCH]):
                PostingFailure.objects.filter(id__in=batch).delete()
                deleted += len(batch)
                bar.update(len(batch))
        self.stdout.write(f"Deleted {deleted} failed posting(s) older than {days} days.")
