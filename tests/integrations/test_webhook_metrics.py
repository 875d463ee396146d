"""/metrics: webhook deliveries by outcome (at 0 from the start) and the outbox's lag."""

import re
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from integrations.models import Delivery
from tests.integrations.conftest import subscribe
from tests.integrations.receiver import Receiver
from tests.support.documents import post

pytestmark = pytest.mark.django_db


def scrape(client) -> dict[str, float]:
    text = client.get("/metrics").content.decode()
    return {
        name: float(value) for name, value in re.findall(r"^(wms_webhook_\S+) (\S+)$", text, re.M)
    }


def test_every_outcome_is_there_at_zero_from_the_start(client):
    figures = scrape(client)
    for outcome in ("delivered", "failed", "gave_up", "refused"):
        assert figures[f'wms_webhook_deliveries_total{{outcome="{outcome}"}}'] == 0
    assert figures["wms_webhook_outbox_lag_seconds"] == 0
    assert figures["wms_webhook_deliveries_due"] == 0


def test_attempts_are_counted_by_outcome_and_the_lag_shows_a_backlog(client, warehouse, product):
    with Receiver(statuses=[500]) as receiver:
        subscribe(receiver.url)
        post("receipt", warehouse, [(product, 5)])
        Delivery.objects.update(next_attempt_at=timezone.now() - timedelta(seconds=90))
        figures = scrape(client)
        assert figures["wms_webhook_deliveries_due"] == 1
        assert 90 <= figures["wms_webhook_outbox_lag_seconds"] < 120

        call_command("webhook_worker", "--once")
        Delivery.objects.update(next_attempt_at=timezone.now())
        call_command("webhook_worker", "--once")

    figures = scrape(client)
    assert figures['wms_webhook_deliveries_total{outcome="failed"}'] == 1
    assert figures['wms_webhook_deliveries_total{outcome="delivered"}'] == 1
    assert figures["wms_webhook_deliveries_due"] == 0
    assert figures["wms_webhook_outbox_lag_seconds"] == 0
