"""Events into the outbox, in the transaction that causes them.

The apps below send signals from inside their services' transactions; the receivers here write
the event and its deliveries there, so the event commits exactly when its cause does.
"""

import json
from datetime import UTC, datetime

from django.core.serializers.json import DjangoJSONEncoder
from django.dispatch import receiver

from documents import signals as document_signals
from documents.api import DocumentSerializer
from documents.selectors import document_get
from integrations.models import Delivery, OutboxEvent, Subscription

# What a subscription may listen to.
EVENT_TYPES = {
    "document.posted": "A document was posted; data is the document as the API shows it.",
    "document.cancelled": "A document was cancelled; data is the document as the API shows it.",
    "lot.expiring": (
        "A lot with stock expires within WEBHOOK_LOT_EXPIRING_DAYS (announced once per lot and "
        "expiry date); data is the lot as the API shows it, with its stock."
    ),
}
TEST_EVENT = "webhook.test"


def subscribers(event_type: str) -> list[int]:
    """The active subscriptions listening to ``event_type``."""
    return [
        pk
        for pk, events in Subscription.objects.filter(is_active=True).values_list("pk", "events")
        if event_type in events
    ]


def event_record(*, event_type: str, data, subscriptions=None) -> OutboxEvent | None:
    """Write ``event_type`` with ``data`` (a callable, called only if anyone listens) and a
    delivery for each active subscription to it (or for ``subscriptions`` if given).

    Call it inside the transaction of the change the event reports.
    """
    if subscriptions is None:
        subscriptions = subscribers(event_type)
    if not subscriptions:
        return None  # nobody listens: nothing to deliver, nothing to serialize
    timestamp = datetime.now(UTC)
    body = json.dumps(
        {"type": event_type, "timestamp": timestamp.isoformat(), "data": data()},
        cls=DjangoJSONEncoder,
        separators=(",", ":"),
    )
    event = OutboxEvent.objects.create(type=event_type, body=body, created_at=timestamp)
    Delivery.objects.bulk_create(
        Delivery(event=event, subscription_id=pk, next_attempt_at=timestamp) for pk in subscriptions
    )
    return event


def _document(document_id: int):
    return lambda: DocumentSerializer(document_get(document_id)).data


@receiver(document_signals.document_posted, dispatch_uid="integrations.document_posted")
def _document_posted(sender, document, **kwargs):
    event_record(event_type="document.posted", data=_document(document.pk))


@receiver(document_signals.document_cancelled, dispatch_uid="integrations.document_cancelled")
def _document_cancelled(sender, document, **kwargs):
    event_record(event_type="document.cancelled", data=_document(document.pk))
