from datetime import UTC, date, datetime

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from audit.archive import archive, restore
from wms.db import maintenance_wait
from wms.exceptions import DomainError
from wms.management.arguments import month


def months_before(today: date, count: int) -> date:
    """The first day of the month ``count`` months before ``today``'s."""
    index = today.year * 12 + today.month - 1 - count
    return date(index // 12, index % 12 + 1, 1)


class Command(BaseCommand):
    help = (
        "Verify the audit trail up to --before (YYYY-MM), record each archived month's seal "
        "numbers and chain hashes (audit_archives: verify_audit crosses the gap with them) and "
        "detach the monthly partitions before it into the `archive` schema (never dropped, "
        "no row deleted), in one transaction. --restore attaches every archived month again "
        "(PostgreSQL)."
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
        action.add_argument("--restore", action="store_true", help="Attach the archive again.")

    def handle(self, *args, before, keep_months, **options):
        if connection.vendor != "postgresql":
            raise CommandError("The audit trail is partitioned on PostgreSQL only.")
        if keep_months is not None:
            if keep_months < 0:
                raise CommandError("--keep-months must be 0 or more.")
            before = months_before(datetime.now(UTC).date(), keep_months)
        try:
            with maintenance_wait():
                if options["restore"]:
                    self._restore()
                else:
                    self._archive(before)
        except DomainError as exc:
            raise CommandError(exc.message) from None

    def _archive(self, before: date):
        cut, runs = archive(before)
        if not runs:
            self.stdout.write(f"Nothing to archive before {cut:%Y-%m}.")
            return
        for run in runs:
            self.stdout.write(
                f"archived {run.partition}: {run.rows:,} row(s), seals "
                f"{run.first_seal_seq}..{run.last_seal_seq}, ends {run.anchor_hash}"
            )
        months = len({run.partition for run in runs})
        self.stdout.write(
            self.style.SUCCESS(
                f"Audit trail archived before {cut:%Y-%m}: {months} month(s) moved to the "
                "archive schema; verify_audit crosses them."
            )
        )

    def _restore(self):
        names = restore()
        for name in names:
            self.stdout.write(f"attached {name}")
        self.stdout.write(self.style.SUCCESS(f"{len(names)} archived month(s) attached again."))
