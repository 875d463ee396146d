"""lot.expiring: lots with stock whose expiry date is near, announced once per lot and date."""

from datetime import date, timedelta
from functools import partial

from django.db import connection, transaction
from django.db.models import Exists, OuterRef

from integrations.events import event_record, subscribers
from integrations.models import LotExpiryAnnouncement
from inventory.models import Lot, Quant
from inventory.selectors import quant_list
from inventory.serializers import LotSerializer, QuantSerializer

EVENT = "lot.expiring"
BATCH = 500


def lots_expiring(*, today: date, days: int):
    """Lots holding stock somewhere, expiring on or before ``today + days`` (already expired
    included), not yet announced with their current expiry date; soonest first."""
    announced = LotExpiryAnnouncement.objects.filter(
        lot=OuterRef("pk"), expires_on=OuterRef("expires_on")
    )
    held = Quant.objects.filter(lot=OuterRef("pk"), quantity__gt=0)
    return (
        Lot.objects.filter(expires_on__lte=today + timedelta(days=days))
        .filter(Exists(held))
        .exclude(Exists(announced))
        .order_by("expires_on", "id")
    )


def lot_expiring_data(lot: Lot, quants: list[Quant]) -> dict:
    """The lot as GET /api/v1/lots/{id}/ shows it, with its stock as /api/v1/quants/ does."""
    return {
        **LotSerializer(lot).data,
        "quantity": sum(q.quantity for q in quants),
        "stock": QuantSerializer(quants, many=True).data,
    }


def _claim(lots: list[Lot]) -> set[int]:
    """Insert the announcements of ``lots``; the ids of the lots this call announced.

    A lot another runner announced first (committed, or committing: the insert waits for it)
    conflicts and is left out, so each lot and date is announced by exactly one runner.
    """
    table = LotExpiryAnnouncement._meta.db_table
    rows = ", ".join(["(%s, %s, CURRENT_TIMESTAMP)"] * len(lots))
    params = [value for lot in lots for value in (lot.pk, lot.expires_on)]
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (lot_id, expires_on, announced_at) VALUES {rows} "
            "ON CONFLICT (lot_id, expires_on) DO NOTHING RETURNING lot_id",
            params,
        )
        return {lot_id for (lot_id,) in cursor.fetchall()}


def lots_expiring_announce(*, today: date, days: int) -> int:
    """Record lot.expiring for every lot due (see lots_expiring); how many were announced.

    Each batch is one transaction: its announcements commit with its events, or neither.
    Nothing is remembered while nobody subscribes to the event, so a new subscriber hears of
    every lot then expiring at the next run.
    """
    announced = 0
    while True:
        with transaction.atomic():
            listening = subscribers(EVENT)
            if not listening:
                return announced
            lots = list(lots_expiring(today=today, days=days).select_related("product")[:BATCH])
            if not lots:
                return announced
            claimed = _claim(lots)
            stock: dict[int, list[Quant]] = {}
            for quant in quant_list().filter(lot_id__in=claimed):
                stock.setdefault(quant.lot_id, []).append(quant)
            for lot in lots:
                if lot.pk in claimed:
                    event_record(
                        event_type=EVENT,
                        data=partial(lot_expiring_data, lot, stock.get(lot.pk, [])),
                        subscriptions=listening,
                    )
            announced += len(claimed)
