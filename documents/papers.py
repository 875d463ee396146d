"""Printable papers of a document: a delivery note for a shipment, a count sheet for a count
(one row per location, product and lot, book quantities shown, or blind), and a plain sheet
for the other types. One page, printed
from the browser; barcodes drawn by python-barcode (inventory.barcodes.barcode_svg)."""

from django.template.response import TemplateResponse

from documents.models import DocType, Document, Status
from documents.selectors import lines_with_book, lines_with_count_result
from inventory.barcodes import barcode_svg
from inventory.quantities import quantity_in_packs
from inventory.selectors import line_moves, packs_of

TITLES = {
    DocType.RECEIPT: "Goods received",
    DocType.SHIPMENT: "Delivery note",
    DocType.TRANSFER: "Transfer note",
    DocType.ADJUSTMENT: "Stock adjustment",
    DocType.COUNT: "Count sheet",
    DocType.RETURN: "Goods returned",
}


def document_paper(request, document: Document, *, context: dict) -> TemplateResponse:
    is_count = document.doc_type == DocType.COUNT
    posted_count = is_count and document.status == Status.POSTED
    # A count sheet is walked shelf by shelf; other papers list the products.
    order = ("location__pick_order", "location__path") if is_count else ()
    lines = document.lines.select_related("location__warehouse", "lot").order_by(
        *order, "product__sku", "lot__code"
    )
    if posted_count:
        lines = lines_with_count_result(lines)  # the book when it was posted
    elif is_count:
        lines = lines_with_book(lines)  # the quant's quantity today
    else:
        lines = lines.select_related("product")
    # A blind count's papers never show the book (nor the difference, which would tell it).
    blind = is_count and (document.blind or request.GET.get("blind") == "1")
    moved = document.status == Status.POSTED and not is_count
    moves = line_moves(document_id=document.pk) if moved else {}
    signed = document.doc_type in (DocType.TRANSFER, DocType.ADJUSTMENT)
    lines = list(lines)
    packs = packs_of(
        {line.product_id for line in lines}, shipping=document.doc_type == DocType.SHIPMENT
    )

    def in_packs(line, quantity):
        product = line.product
        return quantity_in_packs(
            abs(quantity), product.decimals, product.unit, packs.get(line.product_id)
        )

    rows = []
    for line in lines:
        row = {
            "line": line,
            "code": barcode_svg(line.product.barcode or line.product.sku, text=False),
            "book": None if blind or not is_count else line.book,
            "ordered": line.quantity,
        }
        if not moved:
            rows.append(
                row
                | {
                    "quantity": line.quantity,
                    "lot": line.lot,
                    "packs": in_packs(line, line.quantity),
                }
            )
            continue
        # A posted paper prints what the ledger moved, one row per lot and shelf; a line that
        # moved nothing (a pick found none) prints 0.
        for n, move in enumerate(moves.get(line.pk) or [None]):
            quantity = move.quantity if move else 0
            rows.append(
                row
                | {
                    "quantity": f"{quantity:+d}" if signed else abs(quantity),
                    "lot_code": move.lot if move else "",
                    "expires_on": move.expires_on if move else None,
                    "location": move.location if move else "",
                    "first": n == 0,
                    "packs": in_packs(line, quantity),
                }
            )
    return TemplateResponse(
        request,
        "admin/documents/document/paper.html",
        {
            **context,
            "document": document,
            "title": f"{TITLES[document.doc_type]} {document.number}",
            "heading": TITLES[document.doc_type],
            "number_code": barcode_svg(document.number),
            "rows": rows,
            "is_count": is_count,
            "posted_count": posted_count,
            "blind": blind,
            "moved": moved,
        },
    )
