"""lot.expiring: lots with stock near their expiry date, announced once per lot and date."""

import json
import threading
import time
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import connection, connections, transaction
from django.utils import timezone

from documents.services import LineInput, document_create, document_post
from integrations.expiry import lots_expiring_announce
from integrations.models import LotExpiryAnnouncement, OutboxEvent
from inventory.models import Lot
from tests.concurrency import run_concurrently
from tests.factories import ProductFactory
from tests.integrations.conftest import subscribe
from tests.integrations.receiver import Receiver
from tests.integrations.test_webhook_delivery import run_worker, verify
from tests.inventory.test_quant_constraints import refused
from tests.support.users import api_client, user_with

pytestmark = pytest.mark.django_db


def in_days(n: int):
    # Today as the command sees it, asked each time: a run that passes midnight must not
    # compare dates from either side of it.
    return timezone.localdate() + timedelta(days=n)


def receive(warehouse, product, code, expires_on, quantity=10) -> Lot:
    document = document_create(
        doc_type="receipt",
        warehouse_id=warehouse.pk,
        lines=[LineInput(product.pk, quantity, lot=code, expires_on=expires_on)],
    )
    document_post(document_id=document.pk)
    return Lot.objects.get(product=product, code=code)


def ship(warehouse, product, code, quantity):
    document = document_create(
        doc_type="shipment",
        warehouse_id=warehouse.pk,
        lines=[LineInput(product.pk, quantity, lot=code)],
    )
    document_post(document_id=document.pk)


def emit(*args) -> str:
    from io import StringIO

    out = StringIO()
    call_command("emit_lot_events", *args, stdout=out)
    return out.getvalue()


def announced() -> list[tuple[str, str]]:
    """(lot code, expires_on) of every lot.expiring event, in order."""
    bodies = [json.loads(e.body) for e in OutboxEvent.objects.filter(type="lot.expiring")]
    return [(b["data"]["code"], b["data"]["expires_on"]) for b in bodies]


@pytest.fixture
def tracked(db):
    return ProductFactory(tracking="lot")


def test_a_lot_with_stock_expiring_soon_reaches_the_receiver_as_the_api_shows_it(
    warehouse, tracked
):
    lot = receive(warehouse, tracked, "B1", in_days(10), quantity=7)
    with Receiver() as receiver:
        subscription = subscribe(receiver.url, events=["lot.expiring"])
        assert emit() == "Announced 1 lot(s) expiring within 30 days.\n"
        run_worker()

    [received] = receiver.received
    assert verify(subscription.secret, received)
    body = json.loads(received.body)
    assert body["type"] == "lot.expiring"
    reader = api_client(user_with(perms=["inventory.view_lot", "inventory.view_quant"]))
    shown = reader.get(f"/api/v1/lots/{lot.pk}/").json()
    quants = reader.get("/api/v1/quants/", {"lot": "B1"}).json()["results"]
    assert body["data"] == {**shown, "quantity": 7, "stock": quants}
    assert [q["quantity"] for q in quants] == [7]


def test_running_twice_announces_once(warehouse, tracked):
    subscribe(events=["lot.expiring"])
    receive(warehouse, tracked, "B1", in_days(3))
    emit()
    assert emit() == "Announced 0 lot(s) expiring within 30 days.\n"
    assert announced() == [("B1", in_days(3).isoformat())]


def test_only_lots_with_stock_within_the_horizon_are_announced(settings, warehouse, tracked):
    settings.WEBHOOK_LOT_EXPIRING_DAYS = 14
    subscribe(events=["lot.expiring"])
    receive(warehouse, tracked, "EXPIRED", in_days(-2))
    receive(warehouse, tracked, "TODAY", in_days(0))
    receive(warehouse, tracked, "EDGE", in_days(14))
    receive(warehouse, tracked, "LATER", in_days(15))
    receive(warehouse, tracked, "EMPTY", in_days(5), quantity=4)
    ship(warehouse, tracked, "EMPTY", 4)
    receive(warehouse, tracked, "NEVER", None)
    emit()
    assert [code for code, _ in announced()] == ["EXPIRED", "TODAY", "EDGE"]
    emit("--days", "15")
    assert [code for code, _ in announced()][3:] == ["LATER"]


def test_a_lot_whose_expiry_date_changes_is_announced_again(warehouse, tracked):
    subscribe(events=["lot.expiring"])
    lot = receive(warehouse, tracked, "B1", in_days(20))
    emit()
    Lot.objects.filter(pk=lot.pk).update(expires_on=in_days(5))
    emit()
    emit()
    assert announced() == [("B1", in_days(20).isoformat()), ("B1", in_days(5).isoformat())]


def test_nothing_is_remembered_while_nobody_listens(warehouse, tracked):
    receive(warehouse, tracked, "B1", in_days(2))
    subscribe(events=["document.posted"])
    emit()
    assert LotExpiryAnnouncement.objects.count() == 0
    subscribe(events=["lot.expiring"])
    emit()
    assert announced() == [("B1", in_days(2).isoformat())]


def test_an_announcement_rolled_back_leaves_the_lot_to_announce(warehouse, tracked):
    subscribe(events=["lot.expiring"])
    receive(warehouse, tracked, "B1", in_days(2))
    with pytest.raises(ZeroDivisionError), transaction.atomic():
        lots_expiring_announce(today=in_days(0), days=30)
        assert len(announced()) == 1
        raise ZeroDivisionError
    assert announced() == [] and LotExpiryAnnouncement.objects.count() == 0
    emit()
    assert len(announced()) == 1


def test_the_database_refuses_a_second_announcement_of_a_lot_and_date(warehouse, tracked):
    subscribe(events=["lot.expiring"])
    lot = receive(warehouse, tracked, "B1", in_days(2))
    emit()
    refused(
        "uq_webhook_lot_expiry_announcements_lot_date",
        "INSERT INTO webhook_lot_expiry_announcements (lot_id, expires_on, announced_at) "
        "VALUES (%s, %s, CURRENT_TIMESTAMP)",
        [lot.pk, in_days(2)],
    )


def waiting_on_a_lock(pid: int) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT wait_event_type FROM pg_stat_activity WHERE pid = %s", [pid])
        row = cursor.fetchone()
    return bool(row) and row[0] == "Lock"


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_runners_at_once_announce_each_lot_once(warehouse):
    """The second runner reads before the first commits: both pick the same lots, and the unique
    constraint makes the second wait for the first and then skip what it announced."""
    subscribe(events=["lot.expiring"])
    product = ProductFactory(tracking="lot")
    for i in range(20):
        receive(warehouse, product, f"B{i:02}", in_days(i))
    first_done, release = threading.Event(), threading.Event()
    second_pid: list[int] = []

    def first():
        with transaction.atomic():
            count = lots_expiring_announce(today=in_days(0), days=30)
            first_done.set()
            release.wait(30)
        return count

    def second():
        first_done.wait(30)
        second_pid.append(connections["default"].cursor().connection.info.backend_pid)
        return lots_expiring_announce(today=in_days(0), days=30)

    def conductor():
        first_done.wait(30)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and not (second_pid and waiting_on_a_lock(second_pid[0])):
            time.sleep(0.05)
        blocked = bool(second_pid) and waiting_on_a_lock(second_pid[0])
        release.set()
        return blocked

    results = run_concurrently([first, second, conductor])
    assert results == [20, 0, True]
    assert len(announced()) == 20
    assert len({code for code, _ in announced()}) == 20
