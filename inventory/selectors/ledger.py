"""Reads of the ledger and of reservation rows by document: what other apps ask of them without
touching the tables themselves. Subqueries are correlated on the caller's ``OuterRef``.
``line_moves`` says per line what a posted document moved (quantity, lot, shelf), for screens
and papers that must say what actually left or arrived rather than what was ordered."""

from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import Count, F, Min, OuterRef, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce, TruncDate

from inventory.models import Quant, StockMovement, StockReservation, WarehouseInventory
from warehouses.models import join_path
from wms.routers import reporting


def available_in(*, warehouse, product) -> Coalesce:
    """What a warehouse has available of a product (quantity less reserved), 0 for none, as
    an expression over the caller's rows."""
    free = WarehouseInventory.objects.filter(warehouse_id=warehouse, product_id=product).values(
        free=F("quantity") - F("reserved")
    )
    return Coalesce(Subquery(free), Value(0))


def quant_quantity(*, location, product, lot) -> Coalesce:
    """Today's quantity of one quant (``lot`` None for no lot), 0 for none, as an expression."""
    quant = (
        Quant.objects.annotate(lot_key=Coalesce("lot_id", Value(0)))
        .filter(product_id=product, location_id=location, lot_key=Coalesce(lot, Value(0)))
        .values("quantity")
    )
    return Coalesce(Subquery(quant), Value(0))


def _per_line(rows: QuerySet, line) -> Coalesce:
    total = (
        rows.filter(document_line_id=line or OuterRef("pk"))
        .order_by()
        .values("document_line_id")
        .annotate(total=Sum("quantity"))
        .values("total")
    )
    return Coalesce(Subquery(total), Value(0))


def moved_by_line(line=None) -> Coalesce:
    """What the ledger moved for a document line (reversals aside), 0 for nothing."""
    return _per_line(StockMovement.objects.filter(is_reversal=False), line)


def reserved_by_line(line=None) -> Coalesce:
    """What a document line's reservation rows hold, 0 for none."""
    return _per_line(StockReservation.objects.all(), line)


def reserved_since(document=None) -> Subquery:
    """When a document was reserved: its reservation rows are written in the reserving
    transaction and removed by unreserving or posting, so the earliest is that moment."""
    return Subquery(
        StockReservation.objects.filter(document_id=document or OuterRef("pk"))
        .order_by()
        .values("document_id")
        .annotate(first=Min("created_at"))
        .values("first")
    )


def document_movements(*, document_id: int) -> QuerySet[StockMovement]:
    """A document's ledger rows in the order they were written, with what they name."""
    return (
        StockMovement.objects.filter(document_id=document_id)
        .select_related("product", "location__warehouse", "lot")
        .order_by("id")
    )


def movement_counts(*, since: datetime, until: datetime) -> dict[str, int]:
    """Ledger rows written in [since, until): by postings and by cancellations (reversals)."""
    with reporting():
        return StockMovement.objects.filter(created_at__gte=since, created_at__lt=until).aggregate(
            movements=Count("id", filter=Q(is_reversal=False)),
            reversals=Count("id", filter=Q(is_reversal=True)),
        )


def movements_per_day(*, since: datetime, until: datetime | None = None) -> dict[date, int]:
    """{day: ledger rows} from ``since`` to ``until`` (or now)."""
    rows = StockMovement.objects.filter(created_at__gte=since)
    if until is not None:
        rows = rows.filter(created_at__lt=until)
    return dict(
        rows.annotate(day=TruncDate("created_at"))
        .values_list("day")
        .annotate(n=Count("id"))
        .order_by()
    )


_TASK_FIELDS = (
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


def reserved_tasks(*, documents: QuerySet) -> list[dict]:
    """What the ``documents`` (a query of their ids) reserved, one row per (location, product,
    lot) summed over them, in walking order (pick order, then path). One query."""
    return list(
        StockReservation.objects.filter(document_id__in=documents)
        .values(*_TASK_FIELDS)
        .annotate(quantity=Sum("quantity"))
        .order_by(
            "quant__location__pick_order",
            "quant__location__warehouse__code",
            "quant__location__path",
            "quant__product__sku",
            "quant__lot__code",
        )
    )


def reserved_by_document(*, documents: QuerySet) -> list[tuple]:
    """(location id, product id, lot id, document id, document number, quantity) for what each
    of the ``documents`` reserved, by document number. One query."""
    return list(
        StockReservation.objects.filter(document_id__in=documents)
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


def reservation_rows(*, documents: QuerySet) -> list[tuple]:
    """(document id, line id, location id, product id, lot id, quantity) of every reservation
    row of the ``documents``, by document, line and row. One query."""
    return list(
        StockReservation.objects.filter(document_id__in=documents)
        .order_by("document_id", "document_line_id", "id")
        .values_list(
            "document_id",
            "document_line_id",
            "quant__location_id",
            "quant__product_id",
            "quant__lot_id",
            "quantity",
        )
    )


def moved_by_lot(*, documents: QuerySet, own: int) -> list[dict]:
    """Per (product, lot) that the ``documents`` moved: ``own``, what document ``own`` moved,
    and ``others``, what the rest moved (each net of its reversals), by SKU and lot code. One
    query, on the ledger's document index."""
    return list(
        StockMovement.objects.filter(document_id__in=documents)
        .values("product_id", "product__sku", "lot_id", "lot__code")
        .annotate(
            own=Coalesce(Sum("quantity", filter=Q(document_id=own)), Value(0)),
            others=Coalesce(Sum("quantity", filter=~Q(document_id=own)), Value(0)),
        )
        .order_by("product__sku", "lot__code", "product_id", "lot_id")
    )


@dataclass(frozen=True)
class LineMove:
    quantity: int  # signed: negative out of the location
    location: str  # full path, MAIN/A/01
    lot: str | None
    expires_on: date | None


def line_moves(*, document_id: int) -> dict[int, list[LineMove]]:
    """{line id: [LineMove, ...]} in the order written. One query on the ledger's document
    index."""
    rows = (
        StockMovement.objects.filter(document_id=document_id, is_reversal=False)
        .order_by("id")
        .values_list(
            "document_line_id",
            "quantity",
            "location__warehouse__code",
            "location__path",
            "lot__code",
            "lot__expires_on",
        )
    )
    moves: dict[int, list[LineMove]] = {}
    for line, quantity, warehouse, path, lot, expires_on in rows:
        moves.setdefault(line, []).append(
            LineMove(quantity, join_path(warehouse, path), lot, expires_on)
        )
    return moves


# The order a picker walks a warehouse: the shelves' pick order, then their paths.
WALK = ("quant__location__pick_order", "quant__location__warehouse__code", "quant__location__path")


@dataclass(frozen=True)
class ReservedPick:
    quantity: int  # in steps of the product's unit
    location: str  # full path, MAIN/A/01
    lot: str | None
    expires_on: date | None
    decimals: int  # the product's, to show the quantity in its unit


def line_reservations(*, document_id: int) -> dict[int, list[ReservedPick]]:
    """{line id: [ReservedPick, ...]}: where each line of a reserved document is picked from,
    in walking order. One query on the reservation rows."""
    rows = (
        StockReservation.objects.filter(document_id=document_id)
        .order_by(*WALK, "quant__lot__expires_on", "quant__lot__code", "id")
        .values_list(
            "document_line_id",
            "quantity",
            "quant__location__warehouse__code",
            "quant__location__path",
            "quant__lot__code",
            "quant__lot__expires_on",
            "quant__product__decimals",
        )
    )
    picks: dict[int, list[ReservedPick]] = {}
    for line, quantity, warehouse, path, lot, expires_on, decimals in rows:
        picks.setdefault(line, []).append(
            ReservedPick(quantity, join_path(warehouse, path), lot, expires_on, decimals)
        )
    return picks


def first_pick_of_line(field: str) -> Subquery:
    """``field`` (one of WALK) of the first shelf a document line is picked from in walking
    order, as an expression over lines: reserved lines sorted by it are walked in one pass."""
    first = StockReservation.objects.filter(document_line_id=OuterRef("pk")).order_by(*WALK, "id")
    return Subquery(first.values(field)[:1])
