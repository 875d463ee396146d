"""Reads of stock, reorder points and the ledger used by more than one caller."""

from datetime import date, datetime, timedelta

from django.db import connection
from django.db.models import (
    BigIntegerField,
    Case,
    Count,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.db.models.lookups import LessThan, LessThanOrEqual

from inventory.closings import LedgerClosing, PeriodArchived, active_cut, opening_before
from inventory.models import (
    Inventory,
    Lot,
    Quant,
    ReorderPoint,
    StockMovement,
    WarehouseInventory,
)
from inventory.quantities import MAX_QUANTITY


def _opening(moment):
    """The instant whose closings open a read of stock at ``moment`` (inventory/closings.py),
    or None to read the ledger from its start; an instant before the archive cut is refused."""
    cut = active_cut()
    if cut is not None and moment < cut:
        raise PeriodArchived(cut)
    return opening_before(moment)


def _balance_then(moment):
    """The quant's quantity at ``moment``: balance_after of its last ledger row at or before it,
    else 0.

    With the ledger closed monthly (inventory/closings.py), only the rows from the latest
    closing instant at or before ``moment`` are read -- one probe of
    ix_stock_movements_quant_created_at in one month's partition -- and a quant that did not move
    since holds its closing (one probe of uq_ledger_closings_quant_closed_at).
    """
    opening = _opening(moment)
    latest = StockMovement.objects.filter(quant_id=OuterRef("pk"), created_at__lte=moment)
    if opening is None:
        rows = latest.order_by("-created_at", "-id").values("balance_after")[:1]
        return Coalesce(Subquery(rows, output_field=BigIntegerField()), Value(0))
    rows = (
        latest.filter(created_at__gte=opening)
        .order_by("-created_at", "-id")
        .values("balance_after")[:1]
    )
    closing = LedgerClosing.objects.filter(quant_id=OuterRef("pk"), closed_at=opening)
    return Coalesce(
        Subquery(rows, output_field=BigIntegerField()),
        Subquery(closing.values("balance")[:1], output_field=BigIntegerField()),
        Value(0),
    )


def quant_list(*, as_of: datetime | None = None) -> QuerySet[Quant]:
    """Quants holding something (now, or at ``as_of``), in (warehouse, path, product, lot) order.

    Rows carry shown_quantity, shown_reserved and shown_available; at an instant in the past
    reserved and available are None: the ledger records movements, not promises.
    """
    quants = Quant.objects.select_related("location", "location__warehouse", "product", "lot")
    if as_of is None:
        quants = quants.annotate(
            shown_quantity=F("quantity"),
            shown_reserved=F("reserved"),
            shown_available=F("quantity") - F("reserved"),
        )
    else:
        quants = quants.annotate(
            shown_quantity=_balance_then(as_of),
            shown_reserved=Value(None, output_field=BigIntegerField()),
            shown_available=Value(None, output_field=BigIntegerField()),
        )
    return quants.filter(shown_quantity__gt=0).order_by(
        "warehouse_id", "location__path", "product_id", "lot_id", "id"
    )


def stock_as_of(queryset: QuerySet[WarehouseInventory], moment: datetime):
    """Stock rows with shown_quantity: the sum of their quants' balances at ``moment``."""
    then = (
        Quant.objects.filter(
            warehouse_id=OuterRef("warehouse_id"), product_id=OuterRef("product_id")
        )
        .annotate(then=_balance_then(moment))
        .values("warehouse_id")
        .annotate(total=Sum("then"))
        .values("total")
    )
    return queryset.annotate(
        shown_quantity=Coalesce(Subquery(then, output_field=BigIntegerField()), Value(0)),
        shown_reserved=Value(None, output_field=BigIntegerField()),
        shown_available=Value(None, output_field=BigIntegerField()),
    )


# A whole warehouse at an instant, set-based: each quant's last row since the opening (one
# month's partition, by ix_stock_movements_warehouse_id) over its closing at the opening
# (ix_ledger_closings_closed_at_warehouse), summed per product.
WAREHOUSE_AS_OF = """
SELECT COALESCE(m.product_id, c.product_id) AS product_id,
       SUM(COALESCE(m.balance_after, c.balance)) AS quantity
FROM (SELECT DISTINCT ON (quant_id) quant_id, product_id, balance_after
      FROM stock_movements
      WHERE warehouse_id = %(warehouse)s AND created_at >= %(opening)s AND created_at <= %(moment)s
      ORDER BY quant_id, created_at DESC, id DESC) m
FULL OUTER JOIN (SELECT quant_id, product_id, balance FROM ledger_closings
                 WHERE closed_at = %(opening)s AND warehouse_id = %(warehouse)s) c
    ON c.quant_id = m.quant_id
GROUP BY 1
HAVING SUM(COALESCE(m.balance_after, c.balance)) > 0
"""


def warehouse_stock_as_of(*, warehouse_id: int, moment: datetime) -> dict[int, int]:
    """{product: what the warehouse held of it at ``moment``}, products holding nothing left
    out. One query on PostgreSQL, reading one month of the warehouse's ledger and its closings;
    elsewhere (or before any closing) the per-row reading of stock_as_of."""
    opening = _opening(moment)
    if connection.vendor != "postgresql" or opening is None:
        rows = stock_as_of(WarehouseInventory.objects.filter(warehouse_id=warehouse_id), moment)
        found = rows.order_by().values_list("product_id", "shown_quantity")
        return {product: quantity for product, quantity in found if quantity > 0}
    with connection.cursor() as cursor:
        cursor.execute(
            WAREHOUSE_AS_OF, {"warehouse": warehouse_id, "opening": opening, "moment": moment}
        )
        return dict(cursor.fetchall())


def location_stock(*, location_id: int) -> QuerySet[Quant]:
    """What one location holds, by product and lot."""
    return quant_list().filter(location_id=location_id)


def product_stock(*, product_id: int) -> QuerySet[WarehouseInventory]:
    """A product's stock rows, one per warehouse that has held it, by warehouse code."""
    return (
        WarehouseInventory.objects.filter(product_id=product_id)
        .select_related("warehouse")
        .order_by("warehouse__code")
    )


def warehouse_stock(*, warehouse_id: int) -> QuerySet[WarehouseInventory]:
    """A warehouse's stock rows by product sku."""
    return (
        WarehouseInventory.objects.filter(warehouse_id=warehouse_id)
        .select_related("product")
        .order_by("product__sku")
    )


def stock_per_warehouse() -> dict[int, tuple[int, int]]:
    """{warehouse id: (products with stock above zero, units)} over every stock row, grouped on
    the table itself: one pass, no join (a million rows in about 0.1 s)."""
    rows = (
        WarehouseInventory.objects.order_by()
        .values("warehouse_id")
        .annotate(products=Count("pk", filter=Q(quantity__gt=0)), units=Sum("quantity"))
        .values_list("warehouse_id", "products", "units")
    )
    return {warehouse_id: (products, units) for warehouse_id, products, units in rows}


def product_movements(*, product_id: int) -> QuerySet[StockMovement]:
    """A product's ledger, newest first, with what each row links to."""
    return (
        StockMovement.objects.filter(product_id=product_id)
        .select_related("warehouse", "document", "location__warehouse", "lot")
        .order_by("-id")
    )


def stock_list() -> QuerySet[WarehouseInventory]:
    """Stock rows in (warehouse, product) order, the order of their unique index, with what
    is available and, where a reorder point is set, how much to order to reach its target."""
    point = ReorderPoint.objects.filter(
        warehouse_id=OuterRef("warehouse_id"), product_id=OuterRef("product_id")
    )
    return (
        WarehouseInventory.objects.annotate(
            available=F("quantity") - F("reserved"),
            shown_quantity=F("quantity"),
            shown_reserved=F("reserved"),
            shown_available=F("quantity") - F("reserved"),
            min_quantity=Subquery(point.values("min_quantity")),
            target_quantity=Subquery(point.values("target_quantity")),
            pack_quantity=Subquery(point.values("packaging__quantity")),
        )
        .annotate(to_order=_to_order())
        .order_by("warehouse_id", "product_id")
    )


def _to_order():
    """target - available when short of the target, rounded up to whole packs of the reorder
    point's packaging (``pack_quantity``) when it has one; else 0; NULL without a reorder
    point. Rounding up only: the order never leaves the stock below the target."""
    missing = F("target_quantity") - F("available")
    # (missing - 1) / pack + 1 packs: integer division on both databases, and no sum that
    # could pass the bigint. A target so near the largest number that whole packs would pass
    # it is left unrounded (the draft then says what is wrong).
    packs = (missing - 1) / F("pack_quantity") + 1
    fits = LessThanOrEqual(
        packs, Value(MAX_QUANTITY, output_field=BigIntegerField()) / F("pack_quantity")
    )
    return Case(
        When(target_quantity__isnull=True, then=None),
        When(
            available__lt=F("target_quantity"),
            then=Case(
                When(pack_quantity__isnull=True, then=missing),
                When(fits, then=packs * F("pack_quantity")),
                default=missing,
            ),
        ),
        default=Value(0),
        output_field=BigIntegerField(),
    )


def below_reorder_point(rows: QuerySet, *, short: bool = True) -> QuerySet:
    """The rows (stock or reorder points, annotated with available and min_quantity) that
    are short, with less available than their reorder point's minimum; or, ``short=False``,
    all the others."""
    below = Q(min_quantity__isnull=False, available__lt=F("min_quantity"))
    return rows.filter(below) if short else rows.exclude(pk__in=rows.filter(below).values("pk"))


def reorder_point_list() -> QuerySet[ReorderPoint]:
    """Reorder points with the stock available for each, a product never stocked counting 0
    (so it is short too), and how much to order to reach the target."""
    stock = WarehouseInventory.objects.filter(
        warehouse_id=OuterRef("warehouse_id"), product_id=OuterRef("product_id")
    )
    return (
        ReorderPoint.objects.annotate(
            available=Coalesce(
                Subquery(stock.annotate(free=F("quantity") - F("reserved")).values("free")),
                Value(0),
            ),
            pack_quantity=F("packaging__quantity"),
            packaging_code=F("packaging__code"),
        )
        .annotate(to_order=_to_order())
        .order_by("warehouse_id", "product_id")
    )


def product_total_list() -> QuerySet[Inventory]:
    return Inventory.objects.order_by("product_id")


def movement_balances(*, movement_ids: list[int]) -> dict[int, int]:
    """{movement id: the stock of its product in its warehouse right after it}, for a page
    of the ledger, in one query.

    Each balance is summed from the nearer end of its (warehouse, product) history: the
    movements up to it, or today's stock less the ones after it (the ledger equals the stock,
    which reconcile_stock checks). Which end is nearer is judged by ids, so neither an old nor
    a new page reads more than half of a pair's history per row.
    """
    pair = {"warehouse_id": OuterRef("warehouse_id"), "product_id": OuterRef("product_id")}
    history = StockMovement.objects.filter(**pair).order_by()

    def total(rows):
        return Coalesce(
            Subquery(rows.values("product_id").annotate(t=Sum("quantity")).values("t")),
            Value(0),
        )

    stock = WarehouseInventory.objects.filter(**pair).values("quantity")
    rows = StockMovement.objects.filter(id__in=movement_ids).annotate(
        first_id=Subquery(history.order_by("id").values("id")[:1]),
        last_id=Subquery(history.order_by("-id").values("id")[:1]),
    )
    from_start = total(history.filter(id__lte=OuterRef("id")))
    cut = active_cut()
    if cut is not None:  # the archived movements' sum is in the pair's closings
        closings = LedgerClosing.objects.filter(**pair, closed_at=cut).order_by()
        opening = closings.values("product_id").annotate(t=Sum("balance")).values("t")
        from_start = from_start + Coalesce(Subquery(opening), Value(0))
    rows = rows.annotate(
        balance=Case(
            When(
                LessThan(F("id") - F("first_id"), F("last_id") - F("id")),
                then=from_start,
            ),
            default=Coalesce(Subquery(stock), Value(0))
            - total(history.filter(id__gt=OuterRef("id"))),
            output_field=BigIntegerField(),
        )
    )
    return dict(rows.order_by().values_list("id", "balance"))


def movement_list() -> QuerySet[StockMovement]:
    """The ledger, newest first."""
    return StockMovement.objects.select_related("lot").order_by("-id")


# "Expiring soon" on the back office's start page and in the lots list's filter.
EXPIRING_SOON_DAYS = 30


def lots_expiring_in_stock(*, today: date, days: int = EXPIRING_SOON_DAYS) -> QuerySet[Lot]:
    """Lots holding stock that expire on or before ``today + days``, expired ones included
    (as lot.expiring announces them), each with ``quantity``: what its quants hold."""
    return (
        Lot.objects.filter(expires_on__lte=today + timedelta(days=days))
        .annotate(quantity=lot_quantity())
        .filter(quantity__gt=0)
    )


def lot_quantity():
    """What the lot of the row holds: its quants summed (ix_stock_quants_lot), per row."""
    held = (
        Quant.objects.filter(lot_id=OuterRef("pk"))
        .order_by()
        .values("lot_id")
        .annotate(total=Sum("quantity"))
        .values("total")
    )
    return Coalesce(Subquery(held, output_field=BigIntegerField()), Value(0))


def available_by_product(*, warehouse_id: int, product_ids: list[int]) -> dict[int, int]:
    """{product: what the warehouse has of it for new outbound lines}; products it never
    held are left out. One query."""
    rows = WarehouseInventory.objects.filter(warehouse_id=warehouse_id, product_id__in=product_ids)
    return dict(rows.values_list("product_id", F("quantity") - F("reserved")))


def available_quantity(*, warehouse_id: int, product_id: int) -> int:
    """What a warehouse has of a product for new outbound lines."""
    row = WarehouseInventory.objects.filter(warehouse_id=warehouse_id, product_id=product_id)
    free = row.annotate(free=F("quantity") - F("reserved")).values_list("free", flat=True)
    return free.first() or 0


def stock_by_product(*, warehouse_id: int, product_ids: list[int]) -> dict[int, int]:
    """{product: the warehouse's quantity of it, reserved or not}; products it never held are
    left out. One query."""
    rows = WarehouseInventory.objects.filter(warehouse_id=warehouse_id, product_id__in=product_ids)
    return dict(rows.values_list("product_id", "quantity"))


def quants_to_count(*, warehouse_id: int, within: Q | None, limit: int) -> list[tuple]:
    """(product id, quantity, location id, lot code) of each quant in stock of an active
    product in the warehouse (or matching ``within``, a condition on ``location__``), in walking
    order, at most ``limit``. One query."""
    quants = Quant.objects.filter(
        warehouse_id=warehouse_id, quantity__gt=0, product__is_active=True
    )
    if within is not None:
        quants = quants.filter(within)
    return list(
        quants.order_by(
            "location__pick_order", "location__path", "product__sku", "lot__code"
        ).values_list("product_id", "quantity", "location_id", "lot__code")[:limit]
    )
