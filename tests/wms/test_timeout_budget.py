"""The timeout budget: lock wait < statement < gunicorn's timeout, and the client always gets the
application's JSON answer first, even from a server that stopped answering."""

import time

import psycopg
import pytest
from django.conf import settings
from django.core.signals import request_started
from django.db import connection
from django.test import override_settings
from psycopg_pool import ConnectionPool

from documents.models import DocType
from tests.support.documents import make_document, post
from tests.tcp_proxy import FreezableProxy
from tests.wms.helpers import url_of_test_database
from wms.backends.postgresql import base as backend
from wms.backends.postgresql.base import (
    TrackedConnection,
    acquire,
    answer_within,
    default_answer_limit,
)
from wms.checks import timeout_budget


def test_the_default_timeouts_obey_the_budget():
    assert settings.DB_LOCK_TIMEOUT < settings.DB_STATEMENT_TIMEOUT
    assert settings.DB_STATEMENT_TIMEOUT + settings.DB_ANSWER_MARGIN < settings.GUNICORN_TIMEOUT
    assert settings.DB_POOL_TIMEOUT < settings.GUNICORN_TIMEOUT
    assert timeout_budget(None) == []


@pytest.mark.parametrize(
    "overrides, broken",
    [
        ({"DB_STATEMENT_TIMEOUT": 30}, "DB_STATEMENT_TIMEOUT + 2 s (32 s) < GUNICORN_TIMEOUT"),
        ({"DB_LOCK_TIMEOUT": 15}, "DB_LOCK_TIMEOUT (15 s) < DB_STATEMENT_TIMEOUT (15 s)"),
        ({"DB_POOL_TIMEOUT": 30}, "DB_POOL_TIMEOUT (30 s) < GUNICORN_TIMEOUT (30 s)"),
        ({"DB_LOCK_TIMEOUT": 0}, "DB_LOCK_TIMEOUT (0 s) must be positive"),
    ],
)
def test_a_broken_budget_fails_the_system_check(overrides, broken):
    with override_settings(**overrides):
        errors = timeout_budget(None)
    assert [e.id for e in errors] == ["wms.E002"]
    assert broken in errors[0].msg


@pytest.mark.postgres
@pytest.mark.django_db
def test_every_connection_carries_the_lock_timeout():
    with connection.cursor() as cursor:
        cursor.execute("SHOW lock_timeout")
        assert cursor.fetchone()[0] == "3s"


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_posting_blocked_by_a_locked_stock_row_is_a_409_within_the_lock_timeout(
    manager_api, warehouse, product
):
    post(DocType.RECEIPT, warehouse, [(product, 5)])
    shipment = make_document(DocType.SHIPMENT, warehouse, [(product, 2)])
    with psycopg.connect(url_of_test_database()) as other:
        other.execute(
            "SELECT quantity FROM warehouse_inventory WHERE warehouse_id = %s AND product_id = %s"
            " FOR UPDATE",
            (warehouse.pk, product.pk),
        )
        started = time.monotonic()
        response = manager_api.post(f"/api/v1/documents/{shipment.pk}/post/")
        elapsed = time.monotonic() - started
        other.rollback()
    assert response.status_code == 409, response.content
    assert response["Content-Type"] == "application/json"
    assert response.json()["code"] == "locked"
    assert response["Retry-After"] == "1"
    assert settings.DB_LOCK_TIMEOUT <= elapsed < settings.DB_LOCK_TIMEOUT + 2
    shipment.refresh_from_db()
    assert shipment.status == "draft"
    # Once the lock is gone the same request goes through.
    assert manager_api.post(f"/api/v1/documents/{shipment.pk}/post/").status_code == 200


@pytest.mark.postgres
@pytest.mark.django_db
def test_a_server_that_stops_answering_is_given_up_on_by_the_client():
    s = connection.settings_dict
    proxy = FreezableProxy(int(s["PORT"] or 5432))
    try:
        frozen = TrackedConnection.connect(
            host="127.0.0.1",
            port=proxy.port,
            dbname=s["NAME"],
            user=s["USER"],
            password=s["PASSWORD"] or None,
            autocommit=True,
            application_name="frozen-client",
        )
        assert frozen.execute("SELECT 1").fetchone() == (1,)
        proxy.frozen.set()
        started = time.monotonic()
        with answer_within(1), pytest.raises(psycopg.OperationalError, match="within 1 s"):
            frozen.execute("SELECT 1")
        assert time.monotonic() - started < 2
        assert frozen.closed
    finally:
        proxy.close()
        _wait_until_gone("frozen-client")


@pytest.mark.postgres
@pytest.mark.django_db
def test_a_request_that_gave_up_on_the_server_does_not_wait_for_it_again():
    """A request whose query outlived the client-side bound gets no second wait: Django's atomic
    block takes a new connection on its way out, and the pool's check of that one used to wait
    the health budget again, past the request's whole budget."""
    s = connection.settings_dict
    proxy = FreezableProxy(int(s["PORT"] or 5432))
    pool = ConnectionPool(
        kwargs={
            "host": "127.0.0.1",
            "port": proxy.port,
            "dbname": s["NAME"],
            "user": s["USER"],
            "password": s["PASSWORD"] or None,
            "application_name": "given-up-client",
        },
        min_size=2,
        max_size=2,
        connection_class=TrackedConnection,
        check=ConnectionPool.check_connection,
        open=False,
    )
    try:
        pool.open(wait=True)
        backend._forget_given_up()  # what request_started does (see the end)
        held = acquire(pool, timeout=5)
        proxy.frozen.set()
        with answer_within(1), pytest.raises(psycopg.OperationalError, match="within 1 s"):
            held.execute("SELECT 1")
        pool.putconn(held)
        started = time.monotonic()
        with pytest.raises(psycopg.OperationalError, match="unreachable"):
            acquire(pool, timeout=5)
        assert time.monotonic() - started < settings.HEALTH_CHECK_TIMEOUT / 4
        # The next request starts afresh: it checks the server again rather than trusting it.
        assert request_started.disconnect(dispatch_uid="wms-forget-given-up")
        request_started.connect(backend._forget_given_up, dispatch_uid="wms-forget-given-up")
        backend._forget_given_up()
        assert backend._given_up.servers == set()
    finally:
        proxy.frozen.clear()
        pool.close(timeout=1)
        proxy.close()
        _wait_until_gone("given-up-client")


def _wait_until_gone(application_name: str) -> None:
    """The server notices the relay's closed socket on its own time; the test database can only
    be dropped after it has."""
    deadline = time.monotonic() + 10
    with connection.cursor() as cursor:
        while time.monotonic() < deadline:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE application_name = %s",
                [application_name],
            )
            if cursor.fetchone()[0] == 0:
                return
            time.sleep(0.1)


def test_by_default_the_client_waits_the_statement_timeout_and_its_margin():
    assert default_answer_limit() == settings.DB_STATEMENT_TIMEOUT + settings.DB_ANSWER_MARGIN
    with override_settings(DB_STATEMENT_TIMEOUT=0):
        assert default_answer_limit() is None
