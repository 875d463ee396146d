import datetime
from decimal import Decimal

from django.core.management.base import BaseCommand
from django.db import transaction

from documents.models import DocType, Document
from documents.services import LineInput, document_create, document_post, document_reserve
from inventory.barcodes import barcode_normalize
from inventory.models import Packaging, Product, ReorderPoint, Tracking
from warehouses.models import Location, Warehouse
from warehouses.services import location_create

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
# Tracked products: a lot-tracked food product with two expiry dates (its GTIN scans as
# (01)04006381333962(10)OM-0398 from a GS1-128 label), a serial-tracked device.
TRACKED = [
    ("SKU-2001", "Oat milk 1 l (lot)", "pcs", "1.60", Tracking.LOT, "4006381333962"),
    ("SKU-2002", "Handheld scanner (serial)", "pcs", "349.00", Tracking.SERIAL, None),
]
# Every warehouse: two aisles of two shelves each, walked A before B.
AISLES = [("A", 1), ("B", 2)]
SHELVES = ("01", "02")
# (warehouse, sku, minimum, target, packaging): the first is short after the demo documents;
# the second orders boxes in whole cases of 25.
REORDER_POINTS = [("MAIN", "SKU-1001", 100, 150, None), ("EAST", "SKU-1002", 20, 60, "case")]
# Packs to scan: boxes come in cases of 25 and pallets of 40 cases (GTIN-14s with their own
# indicator digits); cheese is counted in grams (kg to 3 decimals) and scans by net weight,
# (01)02000000000015(3103)001250 being 1.250 kg.
PACKAGINGS = [
    ("SKU-1002", "case", "case of 25", 25, "14006381333914"),
    ("SKU-1002", "pallet", "pallet of 40 cases", 1000, "24006381333911"),
]
WEIGHED = ("SKU-3001", "Gouda (by weight)", "kg", 3, "11.90", "2000000000015")
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
            milk, scanner = (
                Product.objects.get_or_create(
                    sku=sku,
                    defaults={
                        "name": name,
                        "unit": unit,
                        "price": Decimal(price),
                        "tracking": tracking,
                        "barcode": barcode_normalize(ean),
                    },
                )[0]
                for sku, name, unit, price, tracking, ean in TRACKED
            )
            self._units_and_packs(products)
            shelves = {code: self._locations(w) for code, w in warehouses.items()}
            for code, sku, minimum, target, pack in REORDER_POINTS:
                product = next(p for p in products if p.sku == sku)
                ReorderPoint.objects.get_or_create(
                    warehouse=warehouses[code],
                    product=product,
                    defaults={
                        "min_quantity": minimum,
                        "target_quantity": target,
                        "packaging": product.packagings.filter(code=pack).first() if pack else None,
                    },
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
            soon, later = (datetime.date.today() + datetime.timedelta(days=d) for d in (20, 90))
            main_shelves = shelves["MAIN"]
            lines_of = [[LineInput(p.pk, q) for p, q in lines] for _, _, _, lines in plan]
            plan.append((DocType.RECEIPT, main, None, None))
            lines_of.append(
                [
                    LineInput(
                        milk.pk, 60, location_id=main_shelves[0].pk, lot="OM-0412", expires_on=later
                    ),
                    LineInput(
                        milk.pk, 40, location_id=main_shelves[1].pk, lot="OM-0398", expires_on=soon
                    ),
                    *(
                        LineInput(scanner.pk, 1, location_id=main_shelves[2].pk, lot=f"SC-{n:05d}")
                        for n in range(1, 4)
                    ),
                ]
            )
            plan.append((DocType.SHIPMENT, main, None, None))  # takes the lot expiring first
            lines_of.append([LineInput(milk.pk, 30), LineInput(scanner.pk, 1)])
            plan.append((DocType.TRANSFER, main, main, None))  # shelf to shelf
            lines_of.append(
                [
                    LineInput(products[1].pk, 20, destination_location_id=main_shelves[3].pk),
                ]
            )
            for n, ((doc_type, source, destination, _), lines) in enumerate(
                zip(plan, lines_of, strict=True), start=1
            ):
                document = document_create(
                    doc_type=doc_type,
                    warehouse_id=source.pk,
                    destination_warehouse_id=destination.pk if destination else None,
                    reference=f"{REFERENCE}{n:03d}",
                    lines=lines,
                )
                document_post(document_id=document.pk)
                if doc_type == DocType.SHIPMENT and lines[0].product_id == milk.pk:
                    lot_shipment = document
            # The customer sent back 6 of the milk lot that expires soon, put on a shelf.
            back = document_create(
                doc_type=DocType.RETURN,
                warehouse_id=main.pk,
                origin_id=lot_shipment.pk,
                reference=f"{REFERENCE}{len(plan) + 2:03d}",
                lines=[LineInput(milk.pk, 6, location_id=main_shelves[1].pk, lot="OM-0398")],
            )
            document_post(document_id=back.pk)
            # One draft left for staff to try posting themselves.
            document_create(
                doc_type=DocType.SHIPMENT,
                warehouse_id=main.pk,
                reference=f"{REFERENCE}{len(plan) + 1:03d}",
                lines=[LineInput(products[5].pk, 10)],
            )
            # Two orders promised and waiting to be picked: one pick list can walk both.
            waiting = [
                [LineInput(milk.pk, 6), LineInput(products[2].pk, 5)],
                [LineInput(products[3].pk, 4), LineInput(products[2].pk, 3)],
            ]
            for n, lines in enumerate(waiting, start=len(plan) + 3):
                document = document_create(
                    doc_type=DocType.SHIPMENT,
                    warehouse_id=main.pk,
                    reference=f"{REFERENCE}{n:03d}",
                    lines=lines,
                )
                document_reserve(document_id=document.pk)
        self.stdout.write(self.style.SUCCESS("Demo data loaded."))

    def _units_and_packs(self, products) -> None:
        by_sku = {p.sku: p for p in products}
        for sku, code, name, quantity, gtin in PACKAGINGS:
            Packaging.objects.get_or_create(
                product=by_sku[sku],
                code=code,
                defaults={"name": name, "quantity": quantity, "barcode": gtin},
            )
        sku, name, unit, decimals, price, ean = WEIGHED
        Product.objects.get_or_create(
            sku=sku,
            defaults={
                "name": name,
                "unit": unit,
                "decimals": decimals,
                "price": Decimal(price),
                "barcode": barcode_normalize(ean),
            },
        )

    def _locations(self, warehouse) -> list[Location]:
        """The warehouse's shelves (A/01, A/02, B/01, B/02), made if missing."""
        shelves = []
        for aisle_code, order in AISLES:
            aisle = Location.objects.filter(
                warehouse=warehouse, path=aisle_code
            ).first() or location_create(
                warehouse_id=warehouse.pk,
                code=aisle_code,
                name=f"Aisle {aisle_code}",
                pick_order=order,
            )
            for shelf in SHELVES:
                path = f"{aisle_code}/{shelf}"
                shelves.append(
                    Location.objects.filter(warehouse=warehouse, path=path).first()
                    or location_create(
                        parent_id=aisle.pk,
                        code=shelf,
                        pick_order=order,
                        barcode=f"{warehouse.code}-{aisle_code}{shelf}",
                    )
                )
        return shelves
