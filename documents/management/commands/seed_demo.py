from decimal import Decimal

from django.core.management.base import BaseCommand
from django.db import transaction

from documents.models import DocType, Document
from documents.services import LineInput, document_create, document_post
from inventory.barcodes import barcode_normalize
from inventory.models import Product, ReorderPoint
from warehouses.models import Warehouse

WAREHOUSES = [
    ("MAIN", "Main warehouse", "Rotterdam"),
    ("EAST", "East distribution centre", "Warsaw"),
    ("SOUTH", "South depot", "Milan"),
]
# (sku, name, unit, price, EAN-13 to scan)
PRODUCTS = [
    ("SKU-1001", "Pallet wrap 500 mm", "pcs", "12.50", "4006381333900"),
    ("SKU-1002", "Shipping box S", "pcs", "0.80", "4006381333917"),
    ("SKU-1003", "Shipping box L", "pcs", "1.40", "4006381333924"),
    ("SKU-1004", "Packing tape", "pcs", "2.10", "4006381333931"),
    ("SKU-1005", "Barcode labels (roll)", "box", "9.90", "4006381333948"),
    ("SKU-1006", "Euro pallet", "pallet", "14.00", "4006381333955"),
]
# (warehouse, sku, minimum, target): the first is short after the demo documents.
REORDER_POINTS = [("MAIN", "SKU-1001", 100, 150), ("EAST", "SKU-1002", 20, 60)]
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
                    sku=sku,
                    defaults={
                        "name": name,
                        "unit": unit,
                        "price": Decimal(price),
                        "barcode": barcode_normalize(ean),
                    },
                )[0]
                for sku, name, unit, price, ean in PRODUCTS
            ]
            for code, sku, minimum, target in REORDER_POINTS:
                ReorderPoint.objects.get_or_create(
                    warehouse=warehouses[code],
                    product=next(p for p in products if p.sku == sku),
                    defaults={"min_quantity": minimum, "target_quantity": target},
                )
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
