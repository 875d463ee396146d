"""Reads of documents used by more than one caller; reports run on the read replica if any."""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import (
    Count,
    F,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce, TruncHour

from documents.models import Document, DocumentLine, PickList, PostingFailure
from inventory.quantities import quantity_in_packs
from inventory.selectors import ledger, packs_of
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
    return lines.select_related("product").annotate(
        in_stock=ledger.available_in(
            warehouse=OuterRef("document__warehouse_id"), product=OuterRef("product_id")
        )
    )


def lines_with_book(lines: QuerySet[DocumentLine]) -> QuerySet[DocumentLine]:
    """Lines with ``book``: today's quantity of the one quant each line names (its location,
    or the warehouse's default location, its product and its lot or none), what a draft
    count's sheet shows; in the lines' own query."""
    root = Location.objects.filter(
        warehouse_id=OuterRef(OuterRef("document__warehouse_id")), parent__isnull=True
    ).values("pk")
    return lines.select_related("product", "location__warehouse", "lot").annotate(
        book=ledger.quant_quantity(
            location=Coalesce(OuterRef("location_id"), Subquery(root)),
            product=OuterRef("product_id"),
            lot=OuterRef("lot_id"),
        )
    )


def count_lines(*, document_id: int) -> list[DocumentLine]:
    """A count's lines shelf by shelf in walking order (pick order, path), then SKU and lot,
    each with its product, location, lot and ``book`` (today's quantity, as on the count
    sheet). One query."""
    lines = DocumentLine.objects.filter(document_id=document_id)
    return list(
        lines_with_book(lines).order_by(
            "location__pick_order", "location__path", "product__sku", "lot__code"
        )
    )


def count_shelf_ids(*, document_id: int) -> list[int]:
    """The shelves (location ids) a count's lines name, in walking order. One query."""
    rows = (
        DocumentLine.objects.filter(document_id=document_id, location__isnull=False)
        .values_list("location_id", "location__pick_order", "location__path")
        .distinct()
        .order_by("location__pick_order", "location__path")
    )
    return [location for location, *_ in rows]


def lines_with_count_result(lines: QuerySet[DocumentLine]) -> QuerySet[DocumentLine]:
    """A posted count's lines with ``difference`` (what posting moved: counted - book) and
    ``book`` (the quantity the books had when it was posted)."""
    return (
        lines.select_related("product")
        .annotate(difference=ledger.moved_by_line())
        .annotate(book=F("quantity") - F("difference"))
    )


def document_get(document_id: int) -> Document:
    """One document with its lines; raises Document.DoesNotExist."""
    return document_list().get(pk=document_id)


def document_movements(*, document_id: int):
    """A document's ledger rows in the order they were written, with what they name."""
    return ledger.document_movements(document_id=document_id)


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
    return ledger.movement_counts(since=since, until=until)


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
    return lines.annotate(reserved=ledger.reserved_by_line())


def lines_in_walking_order(lines: QuerySet[DocumentLine]) -> QuerySet[DocumentLine]:
    """Reserved lines in the order a picker reaches them: by the first shelf each is picked
    from (pick order, then path), lines without reservations last, then as entered."""
    walk = {f"walk_{n}": ledger.first_pick_of_line(field) for n, field in enumerate(ledger.WALK)}
    return lines.annotate(**walk).order_by(*(F(name).asc(nulls_last=True) for name in walk), "pk")


def line_pick_from(*, document_id: int) -> dict[int, list[ledger.ReservedPick]]:
    """Where each line of a reserved document is picked from, in walking order."""
    return ledger.line_reservations(document_id=document_id)


def reserved_since() -> Subquery:
    """When a document was reserved (an expression over documents)."""
    return ledger.reserved_since()


def _picked(pick_list_id: int) -> QuerySet:
    return PickList.documents.through.objects.filter(picklist_id=pick_list_id).values("document_id")


def pick_tasks(*, pick_list_id: int) -> list[dict]:
    """What to pick for a pick list: one task per (location, product, lot), summed over its
    documents' reservations, in walking order (pick order, then path). One query."""
    return ledger.reserved_tasks(documents=_picked(pick_list_id))


def pick_tasks_in_packs(*, pick_list_id: int) -> list[dict]:
    """pick_tasks, each with ``packs``: its quantity as the paper, the phone and the API say it
    ("2 case + 5 pcs", largest first, in the packagings that may ship), or None when the
    quantity says it all. Two queries."""
    tasks = pick_tasks(pick_list_id=pick_list_id)
    packs = packs_of({task["quant__product_id"] for task in tasks}, shipping=True)
    for task in tasks:
        task["packs"] = quantity_in_packs(
            task["quantity"],
            task["quant__product__decimals"],
            task["quant__product__unit"],
            packs.get(task["quant__product_id"]),
        )
    return tasks


def pick_reservations(*, pick_list_id: int) -> list[tuple[int, int, int, int, int | None, int]]:
    """(document id, line id, location id, product id, lot id, quantity) of every reservation
    of a pick list's documents, oldest document first. One query."""
    return ledger.reservation_rows(documents=_picked(pick_list_id))


def pick_task_documents(*, pick_list_id: int) -> dict[tuple, list[tuple[int, str, int]]]:
    """{(location id, product id, lot id): [(document id, number, quantity), ...]}: which of a
    pick list's documents each of its tasks serves, and how much of it. One query."""
    served: dict[tuple, list[tuple[int, str, int]]] = {}
    for location, product, lot, document, number, quantity in ledger.reserved_by_document(
        documents=_picked(pick_list_id)
    ):
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
    return [
        Returnable(
            product_id=row["product_id"],
            sku=row["product__sku"],
            lot_id=row["lot_id"],
            lot=row["lot__code"],
            shipped=-row["own"],
            returned=row["others"],
        )
        for row in ledger.moved_by_lot(documents=documents, own=shipment_id)
    ]
