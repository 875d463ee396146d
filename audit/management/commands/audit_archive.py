from datetime import UTC, date, datetime
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from audit.archive import archive, restore
from wms.exceptions import DomainError
from wms.management.arguments import month


def months_before(today: date, count: int) -> date:
    """The first day of the month ``count`` months before ``today``'s."""
    index = today.year * 12 + today.month - 1 - count
    return date(index // 12, index % 12 + 1, 1)


class Command(BaseCommand):
    help = (
        "Move the audit rows of whole months before --before (YYYY-MM) to a gzip'd JSON-lines "
        "file in --to, with their chain hashes (verify_audit --archive checks it offline), "
        "then remove them from the table in batches; the table still verifies from its first "
        "row. Safe to re-run: an interrupted run is finished first. --restore FILE puts a "
        "file's rows back (newest archive first)."
    )

    def add_arguments(self, parser):
        action = parser.add_mutually_exclusive_group(required=True)
        action.add_argument("--before", type=month, help="The first month kept (YYYY-MM).")
        action.add_argument(
            "--keep-months",
            type=int,
            metavar="N",
            help="Keep this month and the N before it; archive what is older (for a CronJob).",
        )
        action.add_argument("--restore", type=Path, metavar="FILE", help="An archive file.")
        parser.add_argument(
            "--to", type=Path, default=Path("audit-archive"), help="Directory of the files."
        )
        parser.add_argument("--batch", type=int, default=5_000, help="Rows per transaction.")

    def handle(self, *args, before, keep_months, restore, to: Path, batch: int, **options):
        if batch < 1:
            raise CommandError("--batch must be at least 1.")
        if keep_months is not None:
            if keep_months < 0:
                raise CommandError("--keep-months must be 0 or more.")
            before = months_before(datetime.now(UTC).date(), keep_months)
        try:
            if restore is not None:
                self._restore(restore, batch)
            else:
                self._archive(before, to, batch)
        except DomainError as exc:
            raise CommandError(exc.message) from None

    def _archive(self, before, directory: Path, batch: int):
        result = archive(before=before, directory=directory, batch=batch)
        for finished in result.finished:
            self.stdout.write(f"finished the interrupted archive {finished.file}")
        if result.archive is None:
            self.stdout.write(f"Nothing to archive before {before:%Y-%m}.")
            return
        archived = result.archive
        self.stdout.write(
            self.style.SUCCESS(
                f"Archived {archived.rows:,} row(s), seals {archived.first_seal_seq}.."
                f"{archived.last_seal_seq}, to {result.path} (sha256 {archived.sha256}); "
                f"removed {result.removed:,}. The trail now begins after "
                f"{archived.last_seal_seq}:{archived.anchor_hash}."
            )
        )

    def _restore(self, path: Path, batch: int):
        archived, inserted = restore(path=path, batch=batch)
        self.stdout.write(
            self.style.SUCCESS(
                f"Restored {inserted:,} row(s) of {archived.file}, seals "
                f"{archived.first_seal_seq}..{archived.last_seal_seq}."
            )
        )
