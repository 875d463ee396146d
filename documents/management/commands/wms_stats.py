import json
from datetime import timedelta

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError
from django.utils import timezone
from tqdm import tqdm

from documents import selectors


class Command(BaseCommand):
    help = (
        "Business statistics from the database for the last N hours: documents posted per hour "
        "and per type, stock movements, and failed postings by reason. Reads from the read "
        "replica when DATABASE_REPLICA_URL is set. Exits 1 if the database cannot be read."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--hours", type=int, default=24, help="How far back to look (default 24)."
        )
        parser.add_argument(
            "--json", action="store_true", dest="as_json", help="Print one JSON object."
        )

    def handle(self, *args, hours: int, as_json: bool, **options):
        if hours < 1:
            raise CommandError("--hours must be at least 1.")
        until = timezone.now()
        since = until - timedelta(hours=hours)
        window = {"since": since, "until": until}
        steps = {
            "posted_per_hour": selectors.posted_per_hour,
            "posted_by_type": selectors.posted_by_type,
            "movements": selectors.movement_counts,
            "failed_postings": selectors.posting_failures_by_reason,
        }
        stats = {}
        try:
            # Each step is one aggregate over a table that may hold millions of rows.
            for name, step in tqdm(steps.items(), desc="wms_stats", unit="query", disable=None):
                stats[name] = step(**window)
        except DatabaseError as exc:
            raise CommandError(f"Could not read the statistics: {exc}", returncode=1) from exc
        if as_json:
            self._print_json(stats, since, until)
        else:
            self._print_text(stats, since, until, hours)

    def _print_json(self, stats, since, until):
        stats["posted_per_hour"] = [
            {"hour": hour.isoformat(), "posted": n} for hour, n in stats["posted_per_hour"]
        ]
        stats["since"], stats["until"] = since.isoformat(), until.isoformat()
        self.stdout.write(json.dumps(stats, sort_keys=True))

    def _print_text(self, stats, since, until, hours):
        out = self.stdout.write
        posted = sum(stats["posted_by_type"].values())
        out(f"Last {hours} h ({since:%Y-%m-%d %H:%M} to {until:%Y-%m-%d %H:%M} UTC)")
        out(f"Documents posted: {posted}")
        for doc_type, n in stats["posted_by_type"].items():
            out(f"  {doc_type:<12} {n:>8}")
        out("Posted per hour:")
        for hour, n in stats["posted_per_hour"]:
            out(f"  {hour:%Y-%m-%d %H:00}  {n:>8}")
        out(
            f"Stock movements: {stats['movements']['movements']} "
            f"(+ {stats['movements']['reversals']} reversals)"
        )
        failed = stats["failed_postings"]
        out(f"Failed postings: {sum(failed.values())}")
        for reason, n in failed.items():
            out(f"  {reason:<22} {n:>8}")
