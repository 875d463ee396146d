"""Events into the outbox, in the transaction that causes them.

The apps below send signals from inside their services' transactions; the receivers here write
the event and its deliveries there, so the event commits exactly when its cause does.
"""

import json
from datetime import UTC, datetime

from django.core.serializers.json import DjangoJSONEncoder
from django.dispatch import receiver

from documents import signals as document_signals
from documents.selectors import document_get
from documents.serializers import DocumentSerializer
from integrations.models import Delivery, OutboxEvent, Subscription
from integrations.reorder import reorder_points_crossed

# What a subscription may listen to.
EVENT_TYPES = {
    "document.posted": "A document was posted; data is the document as the API shows it.",
    "document.cancelled": "A document was cancelled; data is the document as the API shows it.",
    "document.reserved": (
        "Stock was reserved for a shipment or transfer; data is the document as the API shows "
        "it, its lines with what each holds."
    ),
    "document.unreserved": (
        "A reserved document gave its stock back and is a draft again; data is the document "
        "as the API shows it."
    ),
    "stock.below_reorder_point": (
        "A posting or cancellation took a warehouse's available stock of a product from its "
        "reorder point's minimum or more to below it; data is the reorder point as the API "
        "shows it, with the document."
    ),
    "lot.expiring": (
        "A lot with stock expires within WEBHOOK_LOT_EXPIRING_DAYS (announced once per lot and "
        "expiry date); data is the lot as the API shows it, with its stock."
    ),
}
TEST_EVENT = "webhook.test"
BELOW_REORDER_POINT = "stock.below_reorder_point"


def listeners() -> dict[str, list[int]]:
    """{event type: the active subscriptions listening to it}, in one query."""
    found: dict[str, list[int]] = {}
    for pk, events in Subscription.objects.filter(is_active=True).values_list("pk", "events"):
        for event_type in events:
            found.setdefault(event_type, []).append(pk)
    return found


def subscribers(event_type: str) -> list[int]:
    """The active subscriptions listening to ``event_type``."""
    return listeners().get(event_type, [])


def event_record(*, event_type: str, data, subscriptions=None) -> OutboxEvent | None:
    """Write ``event_type`` with ``data`` (a callable, called only if anyone listens) and a
    delivery for each active subscription to it (or for ``subscriptions`` if given).

    Call it inside the transaction of the change the event reports.
    """
    if subscriptions is None:
        subscriptions = subscribers(event_type)
    if not subscriptions:
        return None  # nobody listens: nothing to deliver, nothing to serialize
    [event] = events_record(event_type=event_type, datas=[data()], subscriptions=subscriptions)
    return event


def events_record(*, event_type: str, datas: list, subscriptions: list[int]) -> list[OutboxEvent]:
    """One event of ``event_type`` per item of ``datas``, each with a delivery to every one of
    ``subscriptions``: two statements however many. Inside the causing transaction."""
    if not subscriptions or not datas:
        return []
    timestamp = datetime.now(UTC)
    events = OutboxEvent.objects.bulk_create(
        OutboxEvent(
            type=event_type,
            body=json.dumps(
                {"type": event_type, "timestamp": timestamp.isoformat(), "data": data},
                cls=DjangoJSONEncoder,
                separators=(",", ":"),
            ),
            created_at=timestamp,
        )
        for data in datas
    )
    Delivery.objects.bulk_create(
        Delivery(event=event, subscription_id=pk, next_attempt_at=timestamp)
        for event in events
        for pk in subscriptions
    )
    return events


def _document(document_id: int):
    return lambda: DocumentSerializer(document_get(document_id)).data


def _document_event(document, event_type: str, *, lowered_by: str | None) -> None:
    """The document's event, and the reorder points it took below their minimum ``lowered_by``
    its "movements", "reversal" or "reservations" (None: it cannot lower available stock)."""
    listening = listeners()
    event_record(
        event_type=event_type,
        data=_document(document.pk),
        subscriptions=listening.get(event_type, []),
    )
    if lowered_by and listening.get(BELOW_REORDER_POINT):
        events_record(
            event_type=BELOW_REORDER_POINT,
            datas=reorder_points_crossed(document, by=lowered_by),
            subscriptions=listening[BELOW_REORDER_POINT],
        )


@receiver(document_signals.document_posted, dispatch_uid="integrations.document_posted")
def _document_posted(sender, document, was_reserved=False, **kwargs):
    # A reserved document's stock stopped being available when it was reserved: shipping it
    # leaves available stock as it was, or raises it by what a short pick gives back.
    lowered_by = None if was_reserved else "movements"
    _document_event(document, "document.posted", lowered_by=lowered_by)


@receiver(document_signals.document_cancelled, dispatch_uid="integrations.document_cancelled")
def _document_cancelled(sender, document, **kwargs):
    _document_event(document, "document.cancelled", lowered_by="reversal")


@receiver(document_signals.document_reserved, dispatch_uid="integrations.document_reserved")
def _document_reserved(sender, document, **kwargs):
    _document_event(document, "document.reserved", lowered_by="reservations")


@receiver(document_signals.document_unreserved, dispatch_uid="integrations.document_unreserved")
def _document_unreserved(sender, document, **kwargs):
    _document_event(document, "document.unreserved", lowered_by=None)
