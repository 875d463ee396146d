"""Printable papers of a document: a delivery note for a shipment, a count sheet for a count
(one row per location, product and lot, book quantities shown, or blind), and a plain sheet
for the other types. One page, printed
from the browser; barcodes drawn by python-barcode (inventory.barcodes.barcode_svg)."""

from django.template.response import TemplateResponse

from documents.models import DocType, Document, Status
from documents.selectors import lines_with_book, lines_with_count_result
from inventory.barcodes import barcode_svg
from inventory.quantities import quantity_in_packs
from inventory.selectors import packs_of

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
    blind = is_count and request.GET.get("blind") == "1"
    lines = list(lines)
    packs = packs_of(
        {line.product_id for line in lines}, shipping=document.doc_type == DocType.SHIPMENT
    )
    rows = [
        {
            "line": line,
            "packs": quantity_in_packs(
                line.quantity,
                line.product.decimals,
                line.product.unit,
                packs.get(line.product_id),
            ),
            "code": barcode_svg(line.product.barcode or line.product.sku, text=False),
            "book": None if blind or not is_count else line.book,
        }
        for line in lines
    ]
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
        },
    )
