"""Printable papers of a document: a delivery note for a shipment, a count sheet for a count
(book quantities shown, or blind), and a plain sheet for the other types. One page, printed
from the browser; barcodes drawn by python-barcode (inventory.barcodes.barcode_svg)."""

from django.template.response import TemplateResponse

from documents.models import DocType, Document, Status
from documents.selectors import lines_with_count_result, lines_with_stock
from inventory.barcodes import barcode_svg

TITLES = {
    DocType.RECEIPT: "Goods received",
    DocType.SHIPMENT: "Delivery note",
    DocType.TRANSFER: "Transfer note",
    DocType.ADJUSTMENT: "Stock adjustment",
    DocType.COUNT: "Count sheet",
}


def document_paper(request, document: Document, *, context: dict) -> TemplateResponse:
    lines = document.lines.order_by("product__sku")
    is_count = document.doc_type == DocType.COUNT
    posted_count = is_count and document.status == Status.POSTED
    lines = lines_with_count_result(lines) if posted_count else lines_with_stock(lines)
    blind = is_count and request.GET.get("blind") == "1"
    rows = [
        {
            "line": line,
            "code": barcode_svg(line.product.barcode or line.product.sku, text=False),
            "book": None if blind else (line.book if posted_count else line.in_stock),
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
