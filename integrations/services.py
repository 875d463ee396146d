"""Webhook subscriptions: create, change, rotate the secret, send a test event."""

import base64
import secrets
from collections.abc import Sequence
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from integrations.events import EVENT_TYPES, TEST_EVENT, event_record
from integrations.models import Delivery, Subscription
from integrations.security import AddressNotAllowed, resolve

SECRET_PREFIX = "whsec_"


def new_secret() -> str:
    """Standard Webhooks' form: whsec_ and 32 random bytes in base64."""
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(32)).decode()


def subscription_validate(*, url: str | None = None, events: Sequence[str] | None = None) -> None:
    """Raises ValidationError keyed by field for a URL that may not be called or unknown events."""
    errors: dict[str, list[str]] = {}
    if url is not None:
        try:
            resolve(url)
        except AddressNotAllowed as exc:
            errors["url"] = [str(exc)]
    if events is not None:
        unknown = sorted(set(events) - set(EVENT_TYPES))
        if unknown:
            errors["events"] = [
                f"Unknown event types {', '.join(unknown)}; known: {', '.join(EVENT_TYPES)}."
            ]
        elif not events:
            errors["events"] = ["Name at least one event type."]
    if errors:
        raise ValidationError(errors)


def subscription_create(
    *,
    url: str,
    events: Sequence[str],
    is_active: bool = True,
    description: str = "",
    created_by=None,
) -> Subscription:
    """A new subscription with a fresh secret (returned on it, to be shown once)."""
    subscription_validate(url=url, events=events)
    return Subscription.objects.create(
        url=url,
        events=sorted(set(events)),
        is_active=is_active,
        description=description,
        secret=new_secret(),
        created_by=created_by if getattr(created_by, "pk", None) else None,
    )


_EDITABLE = {"url", "events", "is_active", "description"}


def subscription_update(*, subscription_id: int, **changes) -> Subscription:
    unknown = set(changes) - _EDITABLE
    if unknown:
        raise TypeError(f"subscription_update() got unexpected fields {sorted(unknown)}")
    subscription_validate(url=changes.get("url"), events=changes.get("events"))
    with transaction.atomic():
        subscription = Subscription.objects.select_for_update().get(pk=subscription_id)
        if "events" in changes:
            changes["events"] = sorted(set(changes["events"]))
        if changes.get("is_active") and not subscription.is_active:
            # Resumed: its receiver is presumably back; start counting failures afresh.
            subscription.consecutive_failures = 0
        for field, value in changes.items():
            setattr(subscription, field, value)
        subscription.save()
    return subscription


# How long deliveries are signed with the old secret as well after a rotation.
ROTATION_OVERLAP = timedelta(hours=24)


def subscription_rotate_secret(*, subscription_id: int) -> Subscription:
    """A new secret; for ROTATION_OVERLAP deliveries carry a signature by the old one too."""
    with transaction.atomic():
        subscription = Subscription.objects.select_for_update().get(pk=subscription_id)
        subscription.previous_secret = subscription.secret
        subscription.previous_secret_until = timezone.now() + ROTATION_OVERLAP
        subscription.secret = new_secret()
        subscription.save(
            update_fields=["secret", "previous_secret", "previous_secret_until", "updated_at"]
        )
    return subscription


def subscription_send_test(*, subscription_id: int) -> Delivery:
    """Queue a webhook.test event for this subscription alone (paused or not listening to it
    included: it is how a receiver is checked before it is switched on)."""
    with transaction.atomic():
        subscription = Subscription.objects.get(pk=subscription_id)
        event = event_record(
            event_type=TEST_EVENT,
            data=lambda: {
                "subscription": subscription.pk,
                "url": subscription.url,
                "sent_at": timezone.now(),
            },
            subscriptions=[subscription.pk],
        )
        return Delivery.objects.select_related("event").get(event=event)
