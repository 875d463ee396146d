"""Reads of documents used by more than one caller; reports run on the read replica if any."""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import (
    Count,
    F,
    Min,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce, TruncHour

from documents.models import Document, DocumentLine, PostingFailure
from inventory.models import Quant, StockMovement, StockReservation, WarehouseInventory
from warehouses.models import Location
from wms.routers import reporting


def document_list() -> QuerySet[Document]:
    """Documents with their lines, newest first, in two queries whatever the page size."""
    return Document.objects.prefetch_related(
        Prefetch(
            "lines",
            queryset=DocumentLine.objects.select_related("lot", "packaging")
            .annotate(
                reserved=Coalesce(Sum("reservations__quantity"), Value(0)),
                decimals=F("product__decimals"),
            )
            .order_by("id"),
        )
    ).order_by("-id")


def lines_with_stock(lines: QuerySet[DocumentLine]) -> QuerySet[DocumentLine]:
    """Lines with their product and ``in_stock``: what the document's warehouse has available
    of the product today (quantity less reserved), in the lines' own query (a subquery, not
    a query per line)."""
    in_stock = WarehouseInventory.objects.filter(
        warehouse_id=OuterRef("document__warehouse_id"), product_id=OuterRef("product_id")
    ).values(free=F("quantity") - F("reserved"))
    return lines.select_related("product").annotate(in_stock=Coalesce(Subquery(in_stock), Value(0)))


def lines_with_book(lines: QuerySet[DocumentLine]) -> QuerySet[DocumentLine]:
    """Lines with ``book``: today's quantity of the one quant each line names (its location,
    or the warehouse's default location, its product and its lot or none), what a draft
    count's sheet shows; in the lines' own query."""
    root = Location.objects.filter(
        warehouse_id=OuterRef(OuterRef("document__warehouse_id")), parent__isnull=True
    ).values("pk")
    quant = (
        Quant.objects.annotate(lot_key=Coalesce("lot_id", Value(0)))
        .filter(
            product_id=OuterRef("product_id"),
            location_id=Coalesce(OuterRef("location_id"), Subquery(root)),
            lot_key=Coalesce(OuterRef("lot_id"), Value(0)),
        )
        .values("quantity")
    )
    return lines.select_related("product", "location__warehouse", "lot").annotate(
        book=Coalesce(Subquery(quant), Value(0))
    )


def lines_with_count_result(lines: QuerySet[DocumentLine]) -> QuerySet[DocumentLine]:
    """A posted count's lines with ``difference`` (what posting moved: counted - book) and
    ``book`` (the quantity the books had when it was posted)."""
    moved = (
        StockMovement.objects.filter(document_line_id=OuterRef("pk"), is_reversal=False)
        .order_by()
        .values("document_line_id")
        .annotate(total=Sum("quantity"))
        .values("total")
    )
    return (
        lines.select_related("product")
        .annotate(difference=Coalesce(Subquery(moved), Value(0)))
        .annotate(book=F("quantity") - F("difference"))
    )


def document_get(document_id: int) -> Document:
    """One document with its lines; raises Document.DoesNotExist."""
    return document_list().get(pk=document_id)


def document_movements(*, document_id: int) -> QuerySet[StockMovement]:
    """A document's ledger rows in the order they were written, with what they name."""
    return (
        StockMovement.objects.filter(document_id=document_id)
        .select_related("product", "location__warehouse", "lot")
        .order_by("id")
    )


def posted_per_hour(*, since: datetime, until: datetime) -> list[tuple[datetime, int]]:
    """Documents posted in each hour of [since, until) that saw any, oldest first."""
    with reporting():
        rows = (
            Document.objects.filter(posted_at__gte=since, posted_at__lt=until)
            .annotate(hour=TruncHour("posted_at"))
            .values_list("hour")
            .annotate(n=Count("id"))
            .order_by("hour")
        )
        return [(hour, n) for hour, n in rows]


def posted_by_type(*, since: datetime, until: datetime) -> dict[str, int]:
    with reporting():
        rows = (
            Document.objects.filter(posted_at__gte=since, posted_at__lt=until)
            .values_list("doc_type")
            .annotate(n=Count("id"))
            .order_by("doc_type")
        )
        return dict(rows)


def movement_counts(*, since: datetime, until: datetime) -> dict[str, int]:
    """Ledger rows written in [since, until): by postings and by cancellations (reversals)."""
    with reporting():
        return StockMovement.objects.filter(created_at__gte=since, created_at__lt=until).aggregate(
            movements=Count("id", filter=Q(is_reversal=False)),
            reversals=Count("id", filter=Q(is_reversal=True)),
        )


def posting_failures_by_reason(*, since: datetime, until: datetime) -> dict[str, int]:
    with reporting():
        rows = (
            PostingFailure.objects.filter(created_at__gte=since, created_at__lt=until)
            .values_list("reason")
            .annotate(n=Count("id"))
            .order_by("reason")
        )
        return dict(rows)


def lines_with_reserved(lines: QuerySet[DocumentLine]) -> QuerySet[DocumentLine]:
    """Lines with ``reserved``: what each holds of its reservations, in the lines' own query
    (a subquery, so other annotations over other joins are not multiplied)."""
    held = (
        StockReservation.objects.filter(document_line_id=OuterRef("pk"))
        .order_by()
        .values("document_line_id")
        .annotate(total=Sum("quantity"))
        .values("total")
    )
    return lines.annotate(reserved=Coalesce(Subquery(held), Value(0)))


def reserved_since() -> Subquery:
    """When a document was reserved: its reservations are written in the reserving
    transaction and removed by unreserving or posting, so the earliest is that moment."""
    return Subquery(
        StockReservation.objects.filter(document_id=OuterRef("pk"))
        .order_by()
        .values("document_id")
        .annotate(first=Min("created_at"))
        .values("first")
    )


def pick_tasks(*, pick_list_id: int) -> list[dict]:
    """What to pick for a pick list: one task per (location, product, lot), summed over its
    documents' reservations, in walking order (pick order, then path). One query."""
    return list(
        StockReservation.objects.filter(document__pick_lists=pick_list_id)
        .values(
            "quant__location_id",
            "quant__location__path",
            "quant__location__pick_order",
            "quant__location__barcode",
            "quant__location__warehouse__code",
            "quant__product_id",
            "quant__product__sku",
            "quant__product__name",
            "quant__product__barcode",
            "quant__product__unit",
            "quant__product__decimals",
            "quant__lot_id",
            "quant__lot__code",
            "quant__lot__expires_on",
        )
        .annotate(quantity=Sum("quantity"))
        .order_by(
            "quant__location__pick_order",
            "quant__location__warehouse__code",
            "quant__location__path",
            "quant__product__sku",
            "quant__lot__code",
        )
    )


def pick_task_documents(*, pick_list_id: int) -> dict[tuple, list[tuple[int, str, int]]]:
    """{(location id, product id, lot id): [(document id, number, quantity), ...]}: which of a
    pick list's documents each of its tasks serves, and how much of it. One query."""
    rows = (
        StockReservation.objects.filter(document__pick_lists=pick_list_id)
        .values_list(
            "quant__location_id",
            "quant__product_id",
            "quant__lot_id",
            "document_id",
            "document__number",
        )
        .annotate(quantity=Sum("quantity"))
        .order_by("document__number")
    )
    served: dict[tuple, list[tuple[int, str, int]]] = {}
    for location, product, lot, document, number, quantity in rows:
        served.setdefault((location, product, lot), []).append((document, number, quantity))
    return served


@dataclass(frozen=True)
class Returnable:
    """What of one (product, lot) a shipment shipped and its returns brought back."""

    product_id: int
    sku: str
    lot_id: int | None
    lot: str | None  # the lot's code
    shipped: int
    returned: int

    @property
    def returnable(self) -> int:
        return self.shipped - self.returned


def shipment_returnable(*, shipment_id: int) -> list[Returnable]:
    """Per (product, lot): what the shipment shipped (its own ledger rows, net of its
    cancellation) and what its returns brought back (theirs, net of theirs: a cancelled return
    brings back nothing), by SKU and lot code. One query, on the ledger's document index.

    Read from the primary: documents.services checks a return against it under the shipment's
    lock.
    """
    documents = Document.objects.filter(Q(pk=shipment_id) | Q(origin_id=shipment_id)).values("pk")
    rows = (
        StockMovement.objects.filter(document_id__in=documents)
        .values("product_id", "product__sku", "lot_id", "lot__code")
        .annotate(
            shipped=Coalesce(Sum("quantity", filter=Q(document_id=shipment_id)), Value(0)),
            returned=Coalesce(Sum("quantity", filter=~Q(document_id=shipment_id)), Value(0)),
        )
        .order_by("product__sku", "lot__code", "product_id", "lot_id")
    )
    return [
        Returnable(
            product_id=row["product_id"],
            sku=row["product__sku"],
            lot_id=row["lot_id"],
            lot=row["lot__code"],
            shipped=-row["shipped"],
            returned=row["returned"],
        )
        for row in rows
    ]
