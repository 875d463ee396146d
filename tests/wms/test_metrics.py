"""/metrics: who may read it, and the business counters it shows."""

import pytest
from prometheus_client import REGISTRY

from documents.exceptions import (
    DocumentStateError,
    EmptyDocument,
    OriginNotPosted,
    ReturnExceedsShipped,
)
from documents.metrics import post_failure_reasons
from documents.models import DocType
from documents.services import LineInput, document_cancel, document_post, document_reserve
from inventory.exceptions import InsufficientStock, StockLimitExceeded
from tests.factories import UserFactory
from tests.support.documents import draft_return, make_document, post
from tests.wms.helpers import project_env, run_manage, run_snippet, url_of_test_database
from wms.tokens import api_token_create

pytestmark = pytest.mark.django_db


def value(name: str, **labels) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


def token_for(**user_fields) -> str:
    return api_token_create(user=UserFactory(**user_fields))


def test_readable_from_an_allowed_address(client):
    client.get("/healthz")
    response = client.get("/metrics", REMOTE_ADDR="127.0.0.1")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    body = response.content.decode()
    for family in (
        "django_http_requests_latency_seconds_by_view_method_bucket",
        "django_http_responses_total_by_status_total",
        "wms_db_pool_wait_seconds",
        "wms_stock_movements_total",
    ):
        assert family in body, family


def test_refused_from_another_address_without_a_token(client):
    response = client.get("/metrics", REMOTE_ADDR="203.0.113.9")
    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"


def test_a_staff_token_reads_it_from_anywhere(client):
    key = token_for(is_staff=True)
    response = client.get("/metrics", REMOTE_ADDR="203.0.113.9", HTTP_AUTHORIZATION=f"Token {key}")
    assert response.status_code == 200


@pytest.mark.parametrize("header", ["Token not-a-real-key", "Bearer x", ""])
def test_other_credentials_are_refused(client, header):
    response = client.get("/metrics", REMOTE_ADDR="203.0.113.9", HTTP_AUTHORIZATION=header)
    assert response.status_code == 403


def test_a_non_staff_token_is_refused(client):
    key = token_for(is_staff=False)
    response = client.get("/metrics", REMOTE_ADDR="203.0.113.9", HTTP_AUTHORIZATION=f"Token {key}")
    assert response.status_code == 403


def test_allowed_networks_are_a_setting(client, settings):
    settings.METRICS_ALLOWED_IPS = ["10.0.0.0/8"]
    assert client.get("/metrics", REMOTE_ADDR="10.20.30.40").status_code == 200
    assert client.get("/metrics", REMOTE_ADDR="127.0.0.1").status_code == 403


def test_an_outside_client_behind_a_trusted_proxy_is_refused(client, settings):
    # The proxy's own address is allowed (it is local), the client it names is not.
    settings.TRUSTED_PROXIES = ["127.0.0.1/32"]
    response = client.get("/metrics", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.9")
    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"


def test_an_allowed_client_behind_a_trusted_proxy_reads_it(client, settings):
    settings.TRUSTED_PROXIES = ["10.0.0.0/8"]
    settings.METRICS_ALLOWED_IPS = ["192.0.2.0/24"]
    response = client.get("/metrics", REMOTE_ADDR="10.1.2.3", HTTP_X_FORWARDED_FOR="192.0.2.7")
    assert response.status_code == 200


def test_a_forged_forwarded_header_from_an_untrusted_address_is_ignored(client, settings):
    settings.TRUSTED_PROXIES = []
    response = client.get("/metrics", REMOTE_ADDR="203.0.113.9", HTTP_X_FORWARDED_FOR="127.0.0.1")
    assert response.status_code == 403


def test_postings_are_counted_once_committed(
    warehouse, other_warehouse, product, django_capture_on_commit_callbacks
):
    receipts, transfers = (
        value("wms_documents_posted_total", doc_type="receipt"),
        value("wms_documents_posted_total", doc_type="transfer"),
    )
    movements = value("wms_stock_movements_total")
    with django_capture_on_commit_callbacks(execute=False) as pending:
        post("receipt", warehouse, [(product, 10)])
    assert value("wms_documents_posted_total", doc_type="receipt") == receipts  # not yet
    for callback in pending:
        callback()
    with django_capture_on_commit_callbacks(execute=True):
        transfer = post("transfer", warehouse, [(product, 4)], destination=other_warehouse)
        document_cancel(document_id=transfer.pk)
    assert value("wms_documents_posted_total", doc_type="receipt") == receipts + 1
    assert value("wms_documents_posted_total", doc_type="transfer") == transfers + 1
    # receipt 1 + transfer 2 + its reversal 2
    assert value("wms_stock_movements_total") == movements + 5


def test_reservations_and_backorders_are_counted_once_committed(
    warehouse, other_warehouse, product, django_capture_on_commit_callbacks
):
    def counts():
        return [
            value(f"wms_{name}_total", doc_type=t)
            for name in ("documents_reserved", "backorders")
            for t in ("shipment", "transfer")
        ]

    before = counts()
    post("receipt", warehouse, [(product, 10)])
    shipment = make_document("shipment", warehouse, [(product, 4)])
    transfer = make_document("transfer", warehouse, [(product, 2)], destination=other_warehouse)
    with django_capture_on_commit_callbacks(execute=False) as pending:
        document_reserve(document_id=shipment.pk)
    assert counts() == before  # not before the commit
    for callback in pending:
        callback()
    with django_capture_on_commit_callbacks(execute=True):
        document_reserve(document_id=transfer.pk)
        with pytest.raises(InsufficientStock):  # a refused reservation counts nothing
            document_reserve(document_id=make_document("shipment", warehouse, [(product, 9)]).pk)
        # A short pick makes one backorder; a whole one none.
        line = shipment.lines.get()
        assert document_post(document_id=shipment.pk, shipped={line.pk: 1}).backorder
        assert document_post(document_id=transfer.pk).backorder is None
    reserved_shipments, reserved_transfers, shipment_backorders, transfer_backorders = before
    assert counts() == [
        reserved_shipments + 1,
        reserved_transfers + 1,
        shipment_backorders + 1,
        transfer_backorders,
    ]
    # The backorder's own reservation is counted like any other.
    with django_capture_on_commit_callbacks(execute=True):
        document_reserve(document_id=shipment.backorders.get().pk)
    assert counts()[0] == reserved_shipments + 2


def test_returns_are_counted_like_postings(warehouse, product, django_capture_on_commit_callbacks):
    counted = {
        (name, kind): value(f"wms_documents_{name}_total", doc_type=kind)
        for name in ("posted", "cancelled")
        for kind in ("return", "shipment")
    }
    refused = value("wms_document_post_failures_total", reason="return_exceeds_shipped")
    with django_capture_on_commit_callbacks(execute=True):
        post("receipt", warehouse, [(product, 5)])
        shipment = post("shipment", warehouse, [(product, 5)])
        returned = draft_return(shipment, [LineInput(product.pk, 2)])
        document_post(document_id=returned.pk)
        document_cancel(document_id=returned.pk)
        too_many = draft_return(shipment, [LineInput(product.pk, 6)])
        with pytest.raises(ReturnExceedsShipped):
            document_post(document_id=too_many.pk)
        document_cancel(document_id=shipment.pk)
    assert {
        key: value(f"wms_documents_{key[0]}_total", doc_type=key[1]) - n
        for key, n in counted.items()
    } == {
        ("posted", "return"): 1,
        ("cancelled", "return"): 1,
        ("posted", "shipment"): 1,
        ("cancelled", "shipment"): 1,
    }
    assert value("wms_document_post_failures_total", reason="return_exceeds_shipped") == refused + 1


def test_failed_postings_are_counted_by_reason(warehouse, product):
    short = value("wms_document_post_failures_total", reason="insufficient_stock")
    invalid_state = value("wms_document_post_failures_total", reason="invalid_state")
    document = make_document("shipment", warehouse, [(product, 1)])
    with pytest.raises(InsufficientStock):
        document_post(document_id=document.pk)
    receipt = post("receipt", warehouse, [(product, 1)])
    with pytest.raises(Exception, match="already posted"):
        document_post(document_id=receipt.pk)
    assert value("wms_document_post_failures_total", reason="insufficient_stock") == short + 1
    assert value("wms_document_post_failures_total", reason="invalid_state") == invalid_state + 1


def test_a_command_outside_gunicorn_makes_the_shared_metrics_directory(tmp_path):
    # The migration Job and compose's migrate service share the API's environment, with
    # PROMETHEUS_MULTIPROC_DIR, but not gunicorn's start, which makes the directory.
    directory = tmp_path / "wms-prometheus"
    result = run_manage("check", env=project_env(PROMETHEUS_MULTIPROC_DIR=str(directory)))
    assert result.returncode == 0, result.stderr[-3000:]
    assert directory.is_dir()


@pytest.mark.postgres
@pytest.mark.django_db
def test_a_command_leaves_no_live_gauges_behind(tmp_path):
    directory = tmp_path / "wms-prometheus"
    env = project_env(PROMETHEUS_MULTIPROC_DIR=str(directory), DATABASE_URL=url_of_test_database())
    opened = run_snippet(
        "import json, os; from django.db import connection; connection.ensure_connection();"
        " from pathlib import Path;"
        " live = sorted(p.name for p in Path(os.environ['PROMETHEUS_MULTIPROC_DIR']).iterdir()"
        " if p.name.startswith('gauge_live'));"
        " print(json.dumps({'pid': os.getpid(), 'live': live}))",
        env=env,
    )
    assert any(str(opened["pid"]) in name for name in opened["live"])  # written while it ran
    assert not [p.name for p in directory.iterdir() if p.name.startswith("gauge_live")]


def test_business_counters_are_at_zero_for_every_known_label_before_any_event(tmp_path):
    # A fresh process sharing a metrics directory, as a gunicorn worker does: nothing posted yet.
    directory = tmp_path / "wms-prometheus"
    scraped = run_snippet(
        "import json, prometheus_client; from prometheus_client import multiprocess;"
        " registry = prometheus_client.CollectorRegistry();"
        " multiprocess.MultiProcessCollector(registry);"
        " print(json.dumps(prometheus_client.generate_latest(registry).decode()))",
        env=project_env(PROMETHEUS_MULTIPROC_DIR=str(directory)),
    )
    assert "return" in DocType.values
    for doc_type in DocType.values:
        assert f'wms_documents_posted_total{{doc_type="{doc_type}"}} 0.0' in scraped
        assert f'wms_documents_cancelled_total{{doc_type="{doc_type}"}} 0.0' in scraped
    for reason in post_failure_reasons():
        assert f'wms_document_post_failures_total{{reason="{reason}"}} 0.0' in scraped
    assert "wms_stock_movements_total 0.0" in scraped
    for doc_type in ("shipment", "transfer"):
        assert f'wms_documents_reserved_total{{doc_type="{doc_type}"}} 0.0' in scraped
        assert f'wms_backorders_total{{doc_type="{doc_type}"}} 0.0' in scraped


def test_every_reason_a_posting_records_is_known_from_the_start():
    codes = {
        e.code
        for e in (
            DocumentStateError,
            EmptyDocument,
            InsufficientStock,
            OriginNotPosted,
            ReturnExceedsShipped,
        )
    }
    assert codes | {StockLimitExceeded.code} <= set(post_failure_reasons())
    assert "serial_in_stock" in post_failure_reasons()  # derived from the codes, none missed
