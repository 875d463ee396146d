"""Webhook subscriptions, the transactional outbox of events, and their deliveries.

An event is written in the transaction that causes it, with one delivery row per subscription
listening to its type, so an event exists if and only if its cause committed. Workers claim due
deliveries (integrations.delivery) and record each attempt's outcome on the row.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from wms.db import NamedIndex


class Subscription(models.Model):
    url = models.URLField(max_length=2000)
    # The event types it receives, e.g. ["document.posted", "document.cancelled"].
    events = models.JSONField(default=list)
    is_active = models.BooleanField(
        default=True, help_text="A paused subscription receives nothing until it is resumed."
    )
    description = models.CharField(max_length=200, blank=True)
    # Standard Webhooks' "whsec_<base64 key>": the receiver needs it to verify signatures, so it
    # is kept as it is, shown once at creation or rotation, and never in a list.
    secret = models.CharField(max_length=100, editable=False)
    # After a rotation the old secret signs too, beside the new one, until this passes, so that
    # a receiver can switch secrets without rejecting a delivery (Standard Webhooks sends
    # several signatures, space separated, for this).
    previous_secret = models.CharField(max_length=100, blank=True, editable=False)
    previous_secret_until = models.DateTimeField(null=True, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)
    # Failed attempts since the last success, and when they happened: what an operator looks at
    # before pausing a receiver that is down.
    consecutive_failures = models.PositiveIntegerField(default=0, editable=False)
    last_failure_at = models.DateTimeField(null=True, blank=True, editable=False)
    last_success_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        db_table = "webhook_subscriptions"
        ordering = ["id"]

    def __str__(self) -> str:
        return self.url

    def signing_secrets(self, now) -> list[str]:
        """The secrets a delivery made at ``now`` is signed with, the current one first."""
        if self.previous_secret and self.previous_secret_until and now < self.previous_secret_until:
            return [self.secret, self.previous_secret]
        return [self.secret]


class OutboxEvent(models.Model):
    # The webhook-id of every delivery of the event, retries included (msg_<hex>).
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    type = models.CharField(max_length=64)
    # The exact JSON body sent, {"type", "timestamp", "data"}: text, not jsonb, so that every
    # retry sends (and signs) the same bytes.
    body = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        db_table = "webhook_outbox"
        indexes = [NamedIndex(fields=["created_at"], name="ix_webhook_outbox_created_at")]

    def __str__(self) -> str:
        return f"{self.type} {self.message_id}"

    @property
    def message_id(self) -> str:
        return f"msg_{self.uuid.hex}"


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", "pending"
    DELIVERED = "delivered", "delivered"
    FAILED = "failed", "failed (gave up)"


class Delivery(models.Model):
    event = models.ForeignKey(OutboxEvent, on_delete=models.CASCADE, related_name="deliveries")
    subscription = models.ForeignKey(
        Subscription, on_delete=models.CASCADE, related_name="deliveries"
    )
    status = models.CharField(
        max_length=16, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveIntegerField(default=0)
    # When a worker may next try it; NULL once delivered or given up.
    next_attempt_at = models.DateTimeField(null=True, blank=True, default=timezone.now)
    # A claim: the worker that set it is sending until then; another may take it afterwards.
    locked_until = models.DateTimeField(null=True, blank=True)
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    response_code = models.PositiveSmallIntegerField(null=True, blank=True)
    latency_ms = models.PositiveIntegerField(null=True, blank=True)
    error = models.TextField(blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        db_table = "webhook_deliveries"
        verbose_name_plural = "deliveries"
        constraints = [
            models.UniqueConstraint(
                fields=["event", "subscription"], name="uq_webhook_deliveries_event_subscription"
            ),
            models.CheckConstraint(
                condition=Q(status__in=DeliveryStatus.values),
                name="check_webhook_deliveries_status",
            ),
            # Pending is exactly "has a next attempt"; delivered is exactly "has a time".
            models.CheckConstraint(
                condition=Q(status=DeliveryStatus.PENDING, next_attempt_at__isnull=False)
                | (~Q(status=DeliveryStatus.PENDING) & Q(next_attempt_at__isnull=True)),
                name="check_webhook_deliveries_pending_next_attempt",
            ),
            models.CheckConstraint(
                condition=Q(status=DeliveryStatus.DELIVERED, delivered_at__isnull=False)
                | (~Q(status=DeliveryStatus.DELIVERED) & Q(delivered_at__isnull=True)),
                name="check_webhook_deliveries_delivered_at",
            ),
        ]
        indexes = [
            # What workers scan: the due pending deliveries, oldest first.
            NamedIndex(
                fields=["next_attempt_at"],
                condition=Q(status=DeliveryStatus.PENDING),
                name="ix_webhook_deliveries_due",
            ),
            NamedIndex(
                fields=["subscription", "-id"], name="ix_webhook_deliveries_subscription_id"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.event} to {self.subscription_id}: {self.status}"


class Outcome(models.TextChoices):
    DELIVERED = "delivered", "delivered"
    FAILED = "failed", "failed, will retry"
    GAVE_UP = "gave_up", "failed, gave up"
    REFUSED = "refused", "refused: address not allowed"


class DeliveryCount(models.Model):
    """wms_webhook_deliveries_total{outcome}: attempts by outcome, counted in the database in
    the transaction that records each attempt, so every worker on every machine adds up in the
    /metrics of any web instance."""

    outcome = models.CharField(max_length=16, primary_key=True, choices=Outcome.choices)
    total = models.BigIntegerField(default=0)

    class Meta:
        db_table = "webhook_delivery_counts"

    def __str__(self) -> str:
        return f"{self.outcome}: {self.total}"


class LotExpiryAnnouncement(models.Model):
    """That ``lot.expiring`` was recorded for a lot and its expiry date: the unique constraint
    lets it be recorded once however often, or by how many runners at once, the check runs. A
    lot whose date changes gets a new row, and a new event."""

    lot = models.ForeignKey(
        "inventory.Lot", on_delete=models.CASCADE, related_name="+", db_index=False
    )
    expires_on = models.DateField()
    announced_at = models.DateTimeField(default=timezone.now)

    class Meta:
        db_table = "webhook_lot_expiry_announcements"
        constraints = [
            # Also the lookup index of "announced yet?", leading with the lot.
            models.UniqueConstraint(
                fields=["lot", "expires_on"], name="uq_webhook_lot_expiry_announcements_lot_date"
            ),
        ]

    def __str__(self) -> str:
        return f"lot {self.lot_id} expiring {self.expires_on}"
