from decimal import Decimal

from django.core.management.base import BaseCommand
from django.db import transaction

from documents.models import DocType, Document
from documents.services import LineInput, document_create, document_post
from inventory.models import Product
from warehouses.models import Warehouse

WAREHOUSES = [
    ("MAIN", "Main warehouse", "Rotterdam"),
    ("EAST", "East distribution centre", "Warsaw"),
    ("SOUTH", "South depot", "Milan"),
]
PRODUCTS = [
    ("SKU-1001", "Pallet wrap 500 mm", "pcs", "12.50"),
    ("SKU-1002", "Shipping box S", "pcs", "0.80"),
    ("SKU-1003", "Shipping box L", "pcs", "1.40"),
    ("SKU-1004", "Packing tape", "pcs", "2.10"),
    ("SKU-1005", "Barcode labels (roll)", "box", "9.90"),
    ("SKU-1006", "Euro pallet", "pallet", "14.00"),
]
REFERENCE = "DEMO-"


class Command(BaseCommand):
    help = (
        "Load demo data: warehouses, products and posted documents of every type. "
        "Idempotent: running it again adds nothing."
    )

    def handle(self, *args, **options):
        with transaction.atomic():
            warehouses = {
                code: Warehouse.objects.get_or_create(
                    code=code, defaults={"name": name, "location": location}
                )[0]
                for code, name, location in WAREHOUSES
            }
            products = [
                Product.objects.get_or_create(
                    sku=sku, defaults={"name": name, "unit": unit, "price": Decimal(price)}
                )[0]
                for sku, name, unit, price in PRODUCTS
            ]
            if Document.objects.filter(reference__startswith=REFERENCE).exists():
                self.stdout.write("Demo documents exist already; nothing to add.")
                return
            main, east = warehouses["MAIN"], warehouses["EAST"]
            plan = [
                (DocType.RECEIPT, main, None, [(p, 100) for p in products]),
                (DocType.RECEIPT, east, None, [(p, 40) for p in products[:3]]),
                (DocType.SHIPMENT, main, None, [(products[0], 12), (products[1], 30)]),
                (DocType.TRANSFER, main, east, [(products[2], 25)]),
                (DocType.ADJUSTMENT, main, None, [(products[3], -3), (products[4], 2)]),
                (DocType.COUNT, east, None, [(products[0], 38)]),
            ]
            for n, (doc_type, source, destination, lines) in enumerate(plan, start=1):
                document = document_create(
                    doc_type=doc_type,
                    warehouse_id=source.pk,
                    destination_warehouse_id=destination.pk if destination else None,
                    reference=f"{REFERENCE}{n:03d}",
                    lines=[LineInput(p.pk, q) for p, q in lines],
                )
                document_post(document_id=document.pk)
            # One draft left for staff to try posting themselves.
            document_create(
                doc_type=DocType.SHIPMENT,
                warehouse_id=main.pk,
                reference=f"{REFERENCE}{len(plan) + 1:03d}",
                lines=[LineInput(products[5].pk, 10)],
            )
        self.stdout.write(self.style.SUCCESS("Demo data loaded."))
