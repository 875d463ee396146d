from django.core.management.base import BaseCommand, CommandError

from audit import archive, chain


class Command(BaseCommand):
    help = (
        "Seal new audit rows, then check every row against its content hash and the chain of "
        "sealed rows link by link, across the months archived by audit_archive; exits 1 naming "
        "each edited or removed row. Prints the head (seq:hash): keep it outside the database "
        "and pass it later with --expect. --archived also checks the rows of the archived "
        "months themselves, in the archive schema, against their records (PostgreSQL)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--expect", help="a head printed earlier, SEQ:HASH, that must remain")
        parser.add_argument("--no-seal", action="store_true", help="check only, seal nothing")
        parser.add_argument(
            "--archived", action="store_true", help="also check the archived months' rows"
        )

    def handle(self, *args, expect, no_seal, archived, **options):
        expected = _parse(expect) if expect else None
        if not no_seal:
            try:
                chain.seal()
            except chain.TamperedRow as exc:
                self.stderr.write(f"{exc}; sealing stopped there.")
        report = chain.verify(expect=expected)
        seq, head = report.sealed_head
        problems = list(report.problems)
        if archived:
            in_archive = archive.verify_archived(expect=expected)
            problems += in_archive.problems
            self.stdout.write(f"{in_archive.checked} archived rows checked")
        for problem in problems:
            self.stderr.write(problem)
        if problems:
            raise CommandError(f"the audit trail has {len(problems)} problem(s)")
        self.stdout.write(f"audit trail intact: {report.checked} rows checked; head {seq}:{head}")
        if report.archived_expect and not archived:
            self.stdout.write(
                f"seal {expected[0]} is in an archived month: verify again with --archived to "
                "check its row"
            )


def _parse(text: str) -> tuple[int, str]:
    seq, _, chain_hash = text.partition(":")
    if not seq.isdigit() or len(chain_hash) != 64:
        raise CommandError("--expect takes SEQ:HASH as printed by verify_audit")
    return int(seq), chain_hash
