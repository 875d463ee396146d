"""Webhook figures for /metrics, read from the database at scrape time.

Workers run as their own processes, often on other machines, so their figures live in the
database rather than in a process's memory: any web instance's /metrics shows them all.
"""

import logging

from django.db import DatabaseError
from django.db.models import Count, Min, Q
from django.utils import timezone
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily

from integrations.events import TEST_EVENT
from integrations.models import Delivery, DeliveryCount, DeliveryStatus, Outcome
from wms.metrics import register_scrape_collector

logger = logging.getLogger(__name__)


class WebhookCollector:
    def collect(self):
        try:
            totals = dict(DeliveryCount.objects.values_list("outcome", "total"))
            now = timezone.now()
            due = Delivery.objects.filter(
                status=DeliveryStatus.PENDING, next_attempt_at__lte=now
            ).filter(Q(subscription__is_active=True) | Q(event__type=TEST_EVENT))
            backlog = due.aggregate(n=Count("id"), oldest=Min("next_attempt_at"))
        except DatabaseError as exc:
            logger.warning("Webhook metrics left out: %s", exc)
            return
        deliveries = CounterMetricFamily(
            "wms_webhook_deliveries",
            "Webhook delivery attempts, by outcome (delivered, failed, gave_up, refused).",
            labels=["outcome"],
        )
        for outcome in Outcome.values:
            deliveries.add_metric([outcome], totals.get(outcome, 0))
        yield deliveries
        oldest = backlog["oldest"]
        yield GaugeMetricFamily(
            "wms_webhook_outbox_lag_seconds",
            "How long the oldest due delivery has waited for a worker (0: workers keep up).",
            value=(now - oldest).total_seconds() if oldest else 0,
        )
        yield GaugeMetricFamily(
            "wms_webhook_deliveries_due", "Deliveries due now and not yet sent.", value=backlog["n"]
        )


register_scrape_collector(WebhookCollector())
