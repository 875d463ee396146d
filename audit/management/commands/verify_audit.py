from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from audit import archive, chain
from wms.exceptions import DomainError


class Command(BaseCommand):
    help = (
        "Seal new audit rows, then check every row against its content hash and the chain of "
        "sealed rows link by link; exits 1 naming each edited or removed row. Prints the head "
        "(seq:hash): keep it outside the database and pass it later with --expect. "
        "--archive FILE... checks archive files instead, without the database."
    )

    def add_arguments(self, parser):
        parser.add_argument("--expect", help="a head printed earlier, SEQ:HASH, that must remain")
        parser.add_argument("--no-seal", action="store_true", help="check only, seal nothing")
        parser.add_argument(
            "--archive",
            nargs="+",
            type=Path,
            metavar="FILE",
            help="audit_archive files, oldest first: each checked and linked to the one before",
        )

    def handle(self, *args, expect, no_seal, archive, **options):
        expected = _parse(expect) if expect else None
        if archive:
            return self._check_files(archive, expected)
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
            self.stdout.write(f"seal {expected[0]} is archived: check it with --archive")

    def _check_files(self, paths: list[Path], expected):
        problems, previous = [], None
        for path in paths:
            try:
                header, found = archive.check(path, expect=expected)
            except DomainError as exc:
                raise CommandError(exc.message) from None
            if previous and header["previous_hash"] != previous["anchor_hash"]:
                found.insert(0, f"does not follow {previous['path']}")
            problems += [f"{path}: {problem}" for problem in found]
            previous = {**header, "path": path}
            self.stdout.write(
                f"{path}: seals {header['first_seal_seq']}..{header['last_seal_seq']}, "
                f"after {header['previous_hash']}, ends {header['anchor_hash']}"
            )
        for problem in problems:
            self.stderr.write(problem)
        if problems:
            raise CommandError(f"the archive has {len(problems)} problem(s)")
        self.stdout.write(f"archive intact: {len(paths)} file(s)")


def _parse(text: str) -> tuple[int, str]:
    seq, _, chain_hash = text.partition(":")
    if not seq.isdigit() or len(chain_hash) != 64:
        raise CommandError("--expect takes SEQ:HASH as printed by verify_audit")
    return int(seq), chain_hash
