"""What entering lines in packs costs a posting: 10-line receipts whose lines are given in
cases ("packaging": "case", 3 packs) against the same receipts given in stock units (36),
posted with document_post() in-process, the two kinds interleaved so that the machine's noise
falls on both alike. Prints the median and p90 of each, their ratio, and the statements of
one posting of 1 and of 10 lines of each kind (a line in packs must not cost a statement per
line).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/wms_bench python bench/post_packs.py
    python bench/post_packs.py --rounds 200 --lines 10

The products and packagings are made on the first run (SKUs PACKS-*); every run adds receipts.
"""

from django_setup import ROOT  # noqa: F401  # isort: skip - sets Django up first

import argparse
import statistics
import time

from django.db import connection
from django.test.utils import CaptureQueriesContext

from documents.models import DocType
from documents.services import LineInput, document_create, document_post
from inventory.models import Packaging, Product
from warehouses.models import Warehouse

CASE = 12


def set_up(lines: int) -> tuple[int, list[int]]:
    warehouse, _ = Warehouse.objects.get_or_create(code="PACKS", defaults={"name": "Packs bench"})
    products = []
    for n in range(lines):
        product, _ = Product.objects.get_or_create(
            sku=f"PACKS-{n:03d}", defaults={"name": f"Packs bench {n}", "receive_whole_packs": True}
        )
        Packaging.objects.get_or_create(product=product, code="case", defaults={"quantity": CASE})
        products.append(product.pk)
    return warehouse.pk, products


def draft(warehouse: int, products: list[int], in_packs: bool) -> int:
    lines = [
        LineInput(pk, packaging="case", packaging_quantity=3)
        if in_packs
        else LineInput(pk, 3 * CASE)
        for pk in products
    ]
    return document_create(doc_type=DocType.RECEIPT, warehouse_id=warehouse, lines=lines).pk


def statements(warehouse: int, products: list[int], in_packs: bool) -> int:
    document = draft(warehouse, products, in_packs)
    with CaptureQueriesContext(connection) as queries:
        document_post(document_id=document)
    return len(queries)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=150, help="postings of each kind")
    parser.add_argument("--lines", type=int, default=10)
    args = parser.parse_args()
    warehouse, products = set_up(args.lines)
    timings = {False: [], True: []}
    for round_ in range(args.rounds):
        # Alternate which kind goes first, so neither always follows the other.
        for in_packs in (round_ % 2 == 0, round_ % 2 == 1):
            document = draft(warehouse, products, in_packs)
            start = time.perf_counter()
            document_post(document_id=document)
            timings[in_packs].append((time.perf_counter() - start) * 1000)
    print(f"{args.rounds} postings of {args.lines}-line receipts each way, interleaved")
    print(f"{'lines given in':<16}{'median ms':>10}{'p90 ms':>10}{'stmts 1':>9}{'stmts n':>9}")
    for in_packs, label in ((False, "stock units"), (True, "cases")):
        runs = sorted(timings[in_packs])
        print(
            f"{label:<16}{statistics.median(runs):>10.2f}{runs[int(len(runs) * 0.9)]:>10.2f}"
            f"{statements(warehouse, products[:1], in_packs):>9}"
            f"{statements(warehouse, products, in_packs):>9}"
        )
    ratio = statistics.median(timings[True]) / statistics.median(timings[False])
    print(f"cases / stock units (median): {ratio:.3f}")


if __name__ == "__main__":
    main()
