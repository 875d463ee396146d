import sys

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from inventory.services import products_import

SHOWN_ERRORS = 50


class CsvImportCommand(BaseCommand):
    """Runs an import service over a CSV file: a progress bar, the wrong rows, exit 1."""

    @staticmethod
    def run_import(**kwargs):
        return products_import(**kwargs)

    help = (
        "Create and update products by sku from a CSV file (columns: sku, name, description, "
        "unit, price, is_active; sku and name required), in one transaction: if any row is "
        "wrong nothing is saved and the wrong rows are listed. Exits 1 on errors."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="path of the CSV file (UTF-8, a header row first)")
        parser.add_argument(
            "--dry-run", action="store_true", help="check and count every row, save nothing"
        )
        parser.add_argument("--no-progress", action="store_true", help="no progress bar")

    def handle(self, *args, file, dry_run, no_progress, **options):
        try:
            # utf-8-sig: spreadsheets often start the file with a byte-order mark.
            with open(file, encoding="utf-8-sig", newline="") as source:
                rows = max(sum(1 for _ in source) - 1, 0)  # a close estimate for the bar
                source.seek(0)
                with tqdm(total=rows, unit=" rows", disable=no_progress, file=sys.stderr) as bar:
                    result = self.run_import(lines=source, dry_run=dry_run, progress=bar.update)
        except OSError as exc:
            raise CommandError(f"Cannot read {file}: {exc.strerror}.") from exc
        except UnicodeDecodeError as exc:
            raise CommandError(f"{file} is not UTF-8 text: {exc.reason}.") from exc
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc

        for error in result.errors[:SHOWN_ERRORS]:
            self.stderr.write(f"ERROR {error}")
        if len(result.errors) > SHOWN_ERRORS:
            self.stderr.write(f"... and {len(result.errors) - SHOWN_ERRORS} more rows with errors")
        if not result.ok:
            raise CommandError(result.summary(), returncode=1)
        self.stdout.write(self.style.SUCCESS(result.summary()))


class Command(CsvImportCommand):
    pass
