from django.core.management.base import BaseCommand, CommandError

from audit import chain


class Command(BaseCommand):
    help = (
        "Seal new audit rows, then check every row against its content hash and the chain of "
        "sealed rows link by link, across the months archived by audit_archive; exits 1 naming "
        "each edited or removed row. Prints the head (seq:hash): keep it outside the database "
        "and pass it later with --expect."
    )

    def add_arguments(self, parser):
        parser.add_argument("--expect", help="a head printed earlier, SEQ:HASH, that must remain")
        parser.add_argument("--no-seal", action="store_true", help="check only, seal nothing")

    def handle(self, *args, expect, no_seal, **options):
        expected = _parse(expect) if expect else None
        if not no_seal:
            try:
                chain.seal()
            except chain.TamperedRow as exc:
                self.stderr.write(f"{exc}; sealing stopped there.")
        report = chain.verify(expect=expected)
        seq, head = report.sealed_head
        for problem in report.problems:
            self.stderr.write(problem)
        if report.problems:
            raise CommandError(f"the audit trail has {len(report.problems)} problem(s)")
        self.stdout.write(f"audit trail intact: {report.checked} rows checked; head {seq}:{head}")
        if report.archived_expect:
            self.stdout.write(
                f"seal {expected[0]} is in an archived month: `audit_archive --restore` and "
                "verify again to check its row"
            )


def _parse(text: str) -> tuple[int, str]:
    seq, _, chain_hash = text.partition(":")
    if not seq.isdigit() or len(chain_hash) != 64:
        raise CommandError("--expect takes SEQ:HASH as printed by verify_audit")
    return int(seq), chain_hash
