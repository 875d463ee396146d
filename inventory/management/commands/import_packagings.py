from inventory.management.commands.import_products import CsvImportCommand
from inventory.services import packagings_import


class Command(CsvImportCommand):
    help = (
        "Create and update packagings by sku and code from a CSV file (columns: sku, code, "
        "name, quantity, barcode, can_receive, can_ship; sku, code and quantity required; "
        "quantity in whole stock steps), in one transaction: if any row is wrong nothing is "
        "saved and the wrong rows are listed. Exits 1 on errors."
    )

    @staticmethod
    def run_import(**kwargs):
        return packagings_import(**kwargs)
