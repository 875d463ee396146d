"""The phone's pick flow on the service side: confirmations stored once per task, a retried
request answered with the same row, a second picker refused by the database, short picks with
a reason, and the finish posting what was picked from the shelves it was picked from."""

import uuid
from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection

from documents.exceptions import TaskAlreadyConfirmed
from documents.models import Document, PickConfirmation, Status
from documents.selectors import pick_tasks
from documents.services import (
    LineInput,
    document_create,
    document_post,
    document_reserve,
    pick_confirm,
    pick_list_create,
    pick_list_finish,
    task_key,
)
from inventory.models import Quant
from inventory.services import stock_reservations
from tests.concurrency import run_concurrently
from tests.factories import ProductFactory, WarehouseFactory
from tests.support.documents import post_lines
from tests.support.users import staff_user
from warehouses.services import location_create

pytestmark = pytest.mark.django_db


def picking_day():
    """MAIN with shelves A/01 (walked first) and B/01; lot-tracked milk in two lots (L1 expires
    first, so it is reserved) and pens; two reserved shipments on one pick list.
    Returns (pick list, tasks in walking order, {name: object})."""
    main = WarehouseFactory(code="MAIN")
    a = location_create(warehouse_id=main.pk, code="A", pick_order=1)
    a1 = location_create(parent_id=a.pk, code="01", barcode="LOC-A01", pick_order=1)
    b = location_create(warehouse_id=main.pk, code="B", pick_order=2)
    b1 = location_create(parent_id=b.pk, code="01", barcode="LOC-B01", pick_order=2)
    milk = ProductFactory(sku="MILK", name="Oat milk", tracking="lot", barcode="04006381333931")
    pens = ProductFactory(sku="PEN", name="Blue pen")
    post_lines(
        "receipt",
        main,
        [
            LineInput(milk.pk, 10, location_id=a1.pk, lot="L1", expires_on=date(2027, 1, 31)),
            LineInput(milk.pk, 10, location_id=b1.pk, lot="L2", expires_on=date(2027, 6, 30)),
            LineInput(pens.pk, 10, location_id=b1.pk),
        ],
    )
    first = document_create(
        doc_type="shipment",
        warehouse_id=main.pk,
        lines=[LineInput(milk.pk, 4), LineInput(pens.pk, 3)],
    )
    second = document_create(
        doc_type="shipment", warehouse_id=main.pk, lines=[LineInput(pens.pk, 2)]
    )
    for document in (first, second):
        document_reserve(document_id=document.pk)
    pick_list = pick_list_create(document_ids=[first.pk, second.pk])
    tasks = [
        task_key(t["quant__location_id"], t["quant__product_id"], t["quant__lot_id"])
        for t in pick_tasks(pick_list_id=pick_list.pk)
    ]
    things = {"main": main, "a1": a1, "b1": b1, "milk": milk, "pens": pens}
    return pick_list, tasks, things | {"first": first, "second": second}


def confirm(pick_list, task, quantity, reason="", user=None, request_id=None):
    return pick_confirm(
        pick_list_id=pick_list.pk,
        task=task,
        quantity=quantity,
        reason=reason,
        request_id=request_id or uuid.uuid4(),
        user=user,
    )


def on_shelf(location, product) -> int:
    return sum(
        Quant.objects.filter(location=location, product=product).values_list("quantity", flat=True)
    )


def test_tasks_are_walked_shelf_by_shelf_and_fefo_reserved_the_first_lot():
    pick_list, tasks, t = picking_day()
    walk = pick_tasks(pick_list_id=pick_list.pk)
    assert [
        (w["quant__location__path"], w["quant__product__sku"], w["quant__lot__code"], w["quantity"])
        for w in walk
    ] == [
        ("A/01", "MILK", "L1", 4),
        ("B/01", "PEN", None, 5),
    ]


def test_a_retried_confirmation_is_the_same_row():
    pick_list, tasks, t = picking_day()
    request = uuid.uuid4()
    first = confirm(pick_list, tasks[0], 4, request_id=request)
    again = confirm(pick_list, tasks[0], 4, request_id=request)
    assert again.pk == first.pk
    assert PickConfirmation.objects.count() == 1


def test_a_second_confirmation_of_a_task_is_refused_with_what_the_first_said():
    pick_list, tasks, t = picking_day()
    confirm(pick_list, tasks[0], 4, user=staff_user("Warehouse clerk"))
    with pytest.raises(TaskAlreadyConfirmed) as refused:
        confirm(pick_list, tasks[0], 3, reason="Damaged")
    assert refused.value.quantity == 4
    assert PickConfirmation.objects.get().quantity == 4


@pytest.mark.parametrize(
    ("quantity", "reason", "field"), [(5, "", "quantity"), (-1, "x", "quantity"), (3, "", "reason")]
)
def test_impossible_or_unexplained_quantities_are_refused(quantity, reason, field):
    pick_list, tasks, t = picking_day()
    with pytest.raises(ValidationError) as refused:
        confirm(pick_list, tasks[0], quantity, reason=reason)
    assert field in refused.value.message_dict
    assert not PickConfirmation.objects.exists()


def test_a_task_not_on_the_list_is_refused():
    pick_list, tasks, t = picking_day()
    with pytest.raises(ValidationError):
        confirm(pick_list, "999-999-0", 1)


def test_finishing_posts_what_was_picked_and_backorders_the_rest(settings):
    settings.PICK_FLOW_POSTS = True
    pick_list, tasks, t = picking_day()
    manager = staff_user("Warehouse manager")
    confirm(pick_list, tasks[0], 4)
    confirm(pick_list, tasks[1], 4, reason="Not enough on the shelf")  # 5 asked
    finished = pick_list_finish(pick_list_id=pick_list.pk, user=manager)
    assert [d.number for d in finished.posted] == [t["first"].number, t["second"].number]
    first = Document.objects.get(pk=t["first"].pk)
    second = Document.objects.get(pk=t["second"].pk)
    assert (first.status, second.status) == (Status.POSTED, Status.POSTED)
    # The oldest document is served first: the first shipment's 3 pens, the second gets 1.
    assert list(second.backorders.get().lines.values_list("product__sku", "quantity")) == [
        ("PEN", 1)
    ]
    assert not first.backorders.exists()
    assert on_shelf(t["a1"], t["milk"]) == 6
    assert on_shelf(t["b1"], t["pens"]) == 6
    assert on_shelf(t["b1"], t["milk"]) == 10


def test_a_document_of_which_nothing_was_picked_stays_reserved(settings):
    settings.PICK_FLOW_POSTS = True
    pick_list, tasks, t = picking_day()
    confirm(pick_list, tasks[0], 4)
    confirm(pick_list, tasks[1], 3, reason="Damaged")  # all to the oldest shipment
    finished = pick_list_finish(pick_list_id=pick_list.pk, user=staff_user("Warehouse manager"))
    assert [d.pk for d in finished.posted] == [t["first"].pk]
    assert [d.pk for d in finished.left] == [t["second"].pk]
    assert Document.objects.get(pk=t["second"].pk).status == Status.RESERVED


def test_finishing_before_every_task_is_confirmed_is_refused():
    pick_list, tasks, t = picking_day()
    confirm(pick_list, tasks[0], 4)
    with pytest.raises(Exception, match="1 task"):
        pick_list_finish(pick_list_id=pick_list.pk, user=staff_user("Warehouse manager"))
    assert Document.objects.get(pk=t["first"].pk).status == Status.RESERVED


def test_with_posting_off_the_documents_wait_for_a_supervisor(settings):
    settings.PICK_FLOW_POSTS = False
    pick_list, tasks, t = picking_day()
    confirm(pick_list, tasks[0], 4)
    confirm(pick_list, tasks[1], 5)
    finished = pick_list_finish(pick_list_id=pick_list.pk, user=staff_user("Warehouse manager"))
    assert finished.posted == [] and len(finished.left) == 2
    assert Document.objects.get(pk=t["first"].pk).status == Status.RESERVED


@pytest.mark.parametrize(
    ("sql", "name"),
    [
        ("quantity = 9, asked = 4", "check_pick_confirmations_quantity"),
        ("quantity = 1, asked = 4, reason = ''", "check_pick_confirmations_short_has_reason"),
    ],
)
def test_the_database_refuses_impossible_confirmations(sql, name):
    pick_list, tasks, t = picking_day()
    row = confirm(pick_list, tasks[0], 4)
    with pytest.raises(IntegrityError, match=name), connection.cursor() as cursor:
        cursor.execute(f"UPDATE pick_confirmations SET {sql} WHERE id = %s", [row.pk])


def test_the_database_refuses_a_second_row_for_a_task():
    pick_list, tasks, t = picking_day()
    row = confirm(pick_list, tasks[0], 4)
    with (
        pytest.raises(
            IntegrityError,
            match="uq_pick_confirmations_task|pick_list_id, pick_confirmations.task",  # SQLite
        ),
        connection.cursor() as cursor,
    ):
        cursor.execute(
            "INSERT INTO pick_confirmations (pick_list_id, task, location_id, product_id, lot_id,"
            " quantity, asked, reason, request_id, confirmed_at)"
            " SELECT pick_list_id, task, location_id, product_id, lot_id, quantity, asked, reason,"
            " %s, confirmed_at FROM pick_confirmations WHERE id = %s",
            [str(uuid.uuid4()), row.pk],
        )


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_pickers_confirming_one_task_at_once_one_wins():
    pick_list, tasks, t = picking_day()
    results = run_concurrently(
        [
            lambda: confirm(pick_list, tasks[0], 4),
            lambda: confirm(pick_list, tasks[0], 3, reason="Damaged"),
        ]
    )
    won = [r for r in results if isinstance(r, PickConfirmation)]
    lost = [r for r in results if isinstance(r, TaskAlreadyConfirmed)]
    assert len(won) == 1 and len(lost) == 1, results
    assert lost[0].quantity == won[0].quantity
    assert PickConfirmation.objects.count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_pickers_finishing_at_once_post_each_document_once(settings):
    settings.PICK_FLOW_POSTS = True
    pick_list, tasks, t = picking_day()
    manager = staff_user("Warehouse manager")
    confirm(pick_list, tasks[0], 4)
    confirm(pick_list, tasks[1], 5)
    results = run_concurrently(
        [lambda: pick_list_finish(pick_list_id=pick_list.pk, user=manager)] * 2
    )
    assert not [r for r in results if isinstance(r, Exception)], results
    assert sorted(len(r.posted) for r in results) in ([0, 2], [1, 1])
    assert on_shelf(t["b1"], t["pens"]) == 5
    assert on_shelf(t["a1"], t["milk"]) == 6


def test_a_short_pick_is_taken_from_the_shelf_it_was_short_on():
    """A line reserved on two shelves and picked one short on the first it was reserved from:
    that shelf keeps the one, the other ships in full (not the last reserved row short)."""
    pick_list, tasks, t = picking_day()
    post_lines("receipt", t["main"], [LineInput(t["pens"].pk, 10, location_id=t["a1"].pk)])
    shipment = document_create(
        doc_type="shipment", warehouse_id=t["main"].pk, lines=[LineInput(t["pens"].pk, 12)]
    )
    document_reserve(document_id=shipment.pk)
    line = shipment.lines.get()
    rows = stock_reservations(document_id=shipment.pk)
    assert len({r.location_id for r in rows}) == 2  # the test needs the line on two shelves
    first, second = rows[0], rows[-1]
    before = {r.location_id: on_shelf(r.location_id, t["pens"]) for r in rows}
    document_post(
        document_id=shipment.pk,
        picked={
            (line.pk, first.location_id, None): first.quantity - 1,
            (line.pk, second.location_id, None): second.quantity,
        },
    )
    assert on_shelf(first.location_id, t["pens"]) == before[first.location_id] - first.quantity + 1
    assert on_shelf(second.location_id, t["pens"]) == before[second.location_id] - second.quantity
    backorder = Document.objects.get(pk=shipment.pk).backorders.get()
    assert list(backorder.lines.values_list("quantity", flat=True)) == [1]
