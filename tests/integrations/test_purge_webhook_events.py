"""Old events go with their logs, but never one still waiting to be delivered."""

from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from integrations.models import Delivery, DeliveryStatus, OutboxEvent
from tests.integrations.conftest import subscribe
from tests.support.documents import post

pytestmark = pytest.mark.django_db


def test_old_finished_events_are_deleted_and_pending_ones_kept(warehouse, product):
    subscribe()
    for _ in range(3):
        post("receipt", warehouse, [(product, 1)])
    old_delivered, old_pending, recent = OutboxEvent.objects.order_by("id")
    OutboxEvent.objects.exclude(pk=recent.pk).update(created_at=timezone.now() - timedelta(days=31))
    Delivery.objects.filter(event__in=[old_delivered, recent]).update(
        status=DeliveryStatus.DELIVERED, delivered_at=timezone.now(), next_attempt_at=None
    )

    call_command("purge_webhook_events")

    assert set(OutboxEvent.objects.values_list("pk", flat=True)) == {old_pending.pk, recent.pk}
    assert not Delivery.objects.filter(event_id=old_delivered.pk).exists()


def test_days_must_be_positive():
    with pytest.raises(CommandError, match="at least 1"):
        call_command("purge_webhook_events", "--days", "0")
