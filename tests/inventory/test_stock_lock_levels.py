"""On PostgreSQL the stock rows are updated and the ledger written in one statement: the levels
must still be locked one after the other, warehouse rows before product totals (the global
order, docs/stock-model.md), never in whatever order the statement's plan reads them."""

import threading
import time

import pytest
from django.db import OperationalError, connection, transaction

from documents.services import document_post
from tests.concurrency import run_concurrently
from tests.support.documents import make_document, post

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _posting_waits_for_a_lock() -> bool:
    """Whether a posting's persisting statement is waiting for a row lock (10 s at most)."""
    deadline = time.monotonic() + 10
    with connection.cursor() as cursor:
        while time.monotonic() < deadline:
            cursor.execute(
                "SELECT 1 FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE %s",
                ["WITH quants_added%"],
            )
            if cursor.fetchone():
                return True
            time.sleep(0.05)
    return False


def _locked(table: str, where: str, params: list) -> bool:
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f"SELECT 1 FROM {table} WHERE {where} FOR UPDATE NOWAIT", params)
    except OperationalError:
        return True
    return False


def test_a_posting_waiting_for_a_product_total_holds_its_warehouse_row(warehouse, product):
    post("receipt", warehouse, [(product, 10)])
    shipment = make_document("shipment", warehouse, [(product, 3)])
    held, release = threading.Event(), threading.Event()

    def hold_the_total():
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM inventory WHERE product_id = %s FOR UPDATE", [product.pk])
            held.set()
            release.wait(20)

    def observe():
        assert held.wait(10)
        try:
            assert _posting_waits_for_a_lock()
            return _locked(
                "warehouse_inventory",
                "warehouse_id = %s AND product_id = %s",
                [warehouse.pk, product.pk],
            )
        finally:
            release.set()

    def posting():
        assert held.wait(10)
        return document_post(document_id=shipment.pk)

    _, posted, warehouse_row_locked = run_concurrently([hold_the_total, posting, observe])
    assert not isinstance(posted, Exception), posted
    assert warehouse_row_locked is True
