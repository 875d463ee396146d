from django.core.management.base import BaseCommand, CommandError

from audit import chain


class Command(BaseCommand):
    help = (
        "Link the audit rows committed since the last run into the hash chain (run it every few "
        "minutes, e.g. from cron; verify_audit runs it first too)."
    )

    def handle(self, *args, **options):
        try:
            sealed = chain.seal()
        except chain.TamperedRow as exc:
            raise CommandError(f"{exc}; nothing after it was sealed. Run verify_audit.") from exc
        seq, chain_hash = chain.head()
        self.stdout.write(f"sealed {sealed} rows; head {seq}:{chain_hash}")
