"""The phone's count flow on the service side: one confirmation per shelf that fills the
count's lines of that shelf, a retried request answered with the same row, a second counter
refused naming the first, an empty shelf said so, blind counts, and the database's own
constraints written to directly."""

import json
import re
import uuid
from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection

from documents.admin.count_phone import check_count_scan
from documents.exceptions import DocumentStateError, ShelfAlreadyCounted
from documents.models import CountConfirmation, Document, Status
from documents.selectors import count_shelf_ids
from documents.services import (
    Counted,
    LineInput,
    count_confirm,
    count_finish,
    count_start,
    document_post,
)
from inventory.models import Packaging, Quant
from tests.concurrency import run_concurrently
from tests.factories import ProductFactory, WarehouseFactory
from tests.support.documents import post_lines
from tests.support.users import staff_user
from warehouses.models import Location
from warehouses.services import location_create

pytestmark = pytest.mark.django_db

CASE = "14006381333938"  # a case of 12 pens


def counting_day(blind=False):
    """MAIN with shelves A/01 (walked first), B/01 and C/01: lot-tracked milk, L1 on A/01 and
    L2 on B/01, pens on B/01 (in cases of 12), a cup on C/01; a count of MAIN started by a
    manager. Returns (count, {name: object})."""
    main = WarehouseFactory(code="MAIN")
    shelves = {}
    for order, code in enumerate("ABC", start=1):
        aisle = location_create(warehouse_id=main.pk, code=code, pick_order=order)
        shelves[code] = location_create(
            parent_id=aisle.pk, code="01", barcode=f"LOC-{code}01", pick_order=order
        )
    milk = ProductFactory(sku="MILK", name="Oat milk", tracking="lot", barcode="04006381333931")
    pens = ProductFactory(sku="PEN", name="Blue pen")
    cups = ProductFactory(sku="CUP", name="Mug")
    Packaging.objects.create(product=pens, code="case", quantity=12, barcode=CASE)
    post_lines(
        "receipt",
        main,
        [
            LineInput(
                milk.pk, 37, location_id=shelves["A"].pk, lot="L1", expires_on=date(2027, 1, 31)
            ),
            LineInput(
                milk.pk, 53, location_id=shelves["B"].pk, lot="L2", expires_on=date(2027, 6, 30)
            ),
            LineInput(pens.pk, 29, location_id=shelves["B"].pk),
            LineInput(cups.pk, 4, location_id=shelves["C"].pk),
        ],
    )
    manager = staff_user("Warehouse manager")
    count = count_start(warehouse_id=main.pk, blind=blind, user=manager)
    things = {"main": main, "milk": milk, "pens": pens, "cups": cups, "manager": manager}
    return count, things | {f"{code}01": shelf for code, shelf in shelves.items()}


def confirm(count, shelf, counted=(), empty=False, user=None, request_id=None):
    return count_confirm(
        document_id=count.pk,
        location_id=shelf.pk,
        counted=list(counted),
        empty=empty,
        request_id=request_id or uuid.uuid4(),
        user=user,
    )


def lines(count) -> list[tuple]:
    return sorted(
        Document.objects.get(pk=count.pk).lines.values_list(
            "location__path", "product__sku", "lot__code", "quantity"
        ),
        key=lambda row: (row[0], row[1], row[2] or ""),
    )


def on_shelf(location, product) -> int:
    return sum(
        Quant.objects.filter(location=location, product=product).values_list("quantity", flat=True)
    )


def test_each_shelf_fills_its_lines_and_the_count_is_left_for_a_supervisor(settings):
    settings.COUNT_FLOW_POSTS = False
    count, t = counting_day()
    clerk = staff_user("Warehouse clerk")
    confirm(count, t["A01"], [Counted(t["milk"].pk, 36, "L1")], user=clerk)
    confirm(
        count,
        t["B01"],
        # Pens scanned one by one and a case of 12; a cup that no line expected here.
        [Counted(t["pens"].pk, 18), Counted(t["pens"].pk, 12), Counted(t["cups"].pk, 1)],
        user=clerk,
    )
    confirm(count, t["C01"], empty=True, user=clerk)
    assert lines(count) == [
        ("A/01", "MILK", "L1", 36),
        ("B/01", "CUP", None, 1),
        ("B/01", "MILK", "L2", 0),  # not found on its shelf
        ("B/01", "PEN", None, 30),
        ("C/01", "CUP", None, 0),
    ]
    finished = count_finish(document_id=count.pk, user=clerk)
    assert not finished.posted and finished.document.status == Status.DRAFT
    confirmation = CountConfirmation.objects.get(location=t["C01"])
    assert (confirmation.counted, confirmation.empty, confirmation.confirmed_by) == (0, True, clerk)


def test_with_posting_on_the_last_shelf_posts_the_count_for_a_manager(settings):
    settings.COUNT_FLOW_POSTS = True
    count, t = counting_day()
    manager = t["manager"]
    confirm(count, t["A01"], [Counted(t["milk"].pk, 36, "L1")], user=manager)
    confirm(count, t["B01"], [Counted(t["pens"].pk, 30)], user=manager)
    with pytest.raises(DocumentStateError, match="1 shelf"):
        count_finish(document_id=count.pk, user=manager)
    confirm(count, t["C01"], [Counted(t["cups"].pk, 4)], user=manager)
    # A clerk may count but not post a count: it waits for a manager.
    assert not count_finish(document_id=count.pk, user=staff_user("Warehouse clerk")).posted
    assert count_finish(document_id=count.pk, user=manager).posted
    assert Document.objects.get(pk=count.pk).status == Status.POSTED
    assert on_shelf(t["A01"], t["milk"]) == 36
    assert on_shelf(t["B01"], t["milk"]) == 0
    assert on_shelf(t["B01"], t["pens"]) == 30


def test_a_shelf_the_count_does_not_cover_is_refused():
    count, t = counting_day()
    elsewhere = location_create(parent_id=t["A01"].parent_id, code="99", barcode="LOC-A99")
    with pytest.raises(ValidationError) as refused:
        confirm(count, elsewhere, [Counted(t["pens"].pk, 1)])
    assert "location" in refused.value.message_dict
    assert not CountConfirmation.objects.exists()
    assert ("A/01", "MILK", "L1", 37) in lines(count)


def test_a_retried_confirmation_is_the_same_row_and_changes_nothing_more():
    count, t = counting_day()
    request = uuid.uuid4()
    first = confirm(count, t["A01"], [Counted(t["milk"].pk, 36, "L1")], request_id=request)
    again = confirm(count, t["A01"], [Counted(t["milk"].pk, 36, "L1")], request_id=request)
    assert again.pk == first.pk
    assert CountConfirmation.objects.count() == 1
    assert ("A/01", "MILK", "L1", 36) in lines(count)


def test_a_second_counter_of_a_shelf_is_told_who_counted_it():
    count, t = counting_day()
    first = staff_user("Warehouse clerk")
    confirm(count, t["A01"], [Counted(t["milk"].pk, 36, "L1")], user=first)
    with pytest.raises(ShelfAlreadyCounted) as refused:
        confirm(
            count, t["A01"], [Counted(t["milk"].pk, 40, "L1")], user=staff_user("Warehouse clerk")
        )
    assert refused.value.status_code == 409
    assert refused.value.confirmed_by == first.username and first.username in refused.value.message
    assert ("A/01", "MILK", "L1", 36) in lines(count)


@pytest.mark.parametrize(
    ("counted", "empty", "field"),
    [
        ((), False, "empty"),  # nothing counted must be said
        (((1, 3, None),), True, "empty"),  # an empty shelf with something on it
        (((1, -1, "L1"),), False, "lines"),
        (((1, 3, None),), False, "lines"),  # lot-tracked milk without its lot
        (((1, 3, "L9"),), False, "lines"),  # a lot that does not exist
    ],
)
def test_what_cannot_be_counted_is_refused_and_nothing_is_written(counted, empty, field):
    count, t = counting_day()
    items = [Counted(t["milk"].pk, q, lot) for _, q, lot in counted]
    with pytest.raises(ValidationError) as refused:
        confirm(count, t["A01"], items, empty=empty)
    assert field in refused.value.message_dict
    assert not CountConfirmation.objects.exists()
    assert ("A/01", "MILK", "L1", 37) in lines(count)


def test_more_than_a_shelf_can_hold_is_refused_not_overflowed():
    count, t = counting_day()
    each = 2**62  # each line may hold it; together they pass what the database counts
    with pytest.raises(ValidationError, match="More than"):
        confirm(count, t["A01"], [Counted(t["milk"].pk, each, "L1"), Counted(t["pens"].pk, each)])
    assert not CountConfirmation.objects.exists()


def test_only_a_draft_count_is_counted_and_only_by_who_may_count(settings):
    count, t = counting_day()
    viewer = staff_user("Warehouse clerk")
    viewer.groups.clear()
    with pytest.raises(PermissionDenied):
        confirm(count, t["A01"], [Counted(t["milk"].pk, 1, "L1")], user=viewer)
    Document.objects.filter(pk=count.pk).update(
        status=Status.CANCELLED, cancelled_at=count.created_at
    )
    with pytest.raises(DocumentStateError):
        confirm(count, t["A01"], [Counted(t["milk"].pk, 1, "L1")])


def test_a_blind_count_keeps_its_zeros_until_each_shelf_is_counted():
    count, t = counting_day(blind=True)
    assert {q for *_, q in lines(count)} == {0}
    confirm(count, t["B01"], [Counted(t["pens"].pk, 29)])
    assert lines(count) == [
        ("A/01", "MILK", "L1", 0),
        ("B/01", "MILK", "L2", 0),
        ("B/01", "PEN", None, 29),
        ("C/01", "CUP", None, 0),
    ]
    assert Document.objects.get(pk=count.pk).blind


@pytest.mark.parametrize(
    ("sql", "name"),
    [
        ("counted = -1", "check_count_confirmations_counted"),
        ("counted = 0, empty = FALSE", "check_count_confirmations_empty_said"),
        ("empty = TRUE", "check_count_confirmations_empty_said"),
    ],
)
def test_the_database_refuses_impossible_confirmations(sql, name):
    count, t = counting_day()
    row = confirm(count, t["A01"], [Counted(t["milk"].pk, 36, "L1")])
    with pytest.raises(IntegrityError, match=name), connection.cursor() as cursor:
        cursor.execute(f"UPDATE count_confirmations SET {sql} WHERE id = %s", [row.pk])


@pytest.mark.parametrize(
    ("request_id", "location", "name"),
    [
        # SQLite names the columns instead of the constraint.
        ("new", "same", "uq_count_confirmations_shelf|document_id, count_confirmations.location"),
        ("same", "other", "uq_count_confirmations_request|count_confirmations.request_id"),
    ],
)
def test_the_database_refuses_a_second_row_for_a_shelf_or_a_request(request_id, location, name):
    count, t = counting_day()
    row = confirm(count, t["A01"], [Counted(t["milk"].pk, 36, "L1")])
    with pytest.raises(IntegrityError, match=name), connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO count_confirmations (document_id, location_id, counted, empty,"
            " request_id, confirmed_at)"
            " SELECT document_id, %s, counted, empty, %s, confirmed_at"
            " FROM count_confirmations WHERE id = %s",
            [
                t["A01"].pk if location == "same" else t["B01"].pk,
                row.request_id.hex if request_id == "same" else uuid.uuid4().hex,
                row.pk,
            ],
        )


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_counters_confirming_one_shelf_at_once_one_wins():
    count, t = counting_day()
    first, second = staff_user("Warehouse clerk"), staff_user("Warehouse clerk")
    results = run_concurrently(
        [
            lambda: confirm(count, t["B01"], [Counted(t["pens"].pk, 30)], user=first),
            lambda: confirm(count, t["B01"], [Counted(t["pens"].pk, 31)], user=second),
        ]
    )
    won = [r for r in results if isinstance(r, CountConfirmation)]
    lost = [r for r in results if isinstance(r, ShelfAlreadyCounted)]
    assert len(won) == 1 and len(lost) == 1, results
    assert lost[0].counted == won[0].counted
    assert lost[0].confirmed_by == won[0].confirmed_by.username
    assert CountConfirmation.objects.count() == 1
    pens = [row for row in lines(count) if row[1] == "PEN"]
    assert pens == [("B/01", "PEN", None, won[0].counted)]


def _action(client, count, action, body):
    return client.post(
        f"/admin/documents/document/{count.pk}/count-phone/{action}/",
        data=body if isinstance(body, str) else json.dumps(body),
        content_type="application/json",
    )


@pytest.mark.parametrize(
    ("action", "body"),
    [
        ("confirm", "not json"),
        ("confirm", {"shelf": "x", "request_id": "1"}),
        ("confirm", {"shelf": 1, "request_id": str(uuid.uuid4()), "items": "x"}),
        ("confirm", {"shelf": 1, "request_id": str(uuid.uuid4()), "items": [{"product": "a"}]}),
        ("confirm", {"shelf": 10**30, "request_id": str(uuid.uuid4()), "empty": True}),
        (
            "confirm",
            {
                "shelf": 1,
                "request_id": str(uuid.uuid4()),
                "items": [{"product": 10**30, "quantity": 1}],
            },
        ),
        ("check", {"shelf": 1, "step": "lot", "product": 10**30, "code": "L1"}),
        ("check", {"shelf": None, "step": "shelf", "code": "x"}),
        ("check", {"shelf": 1, "step": "nonsense", "code": "x"}),
    ],
)
def test_the_phone_s_requests_answer_bad_input_with_a_400_in_json(client, action, body):
    count, t = counting_day()
    client.force_login(staff_user("Warehouse clerk"))
    response = _action(client, count, action, body)
    assert response.status_code == 400, response.content
    assert response.json()["ok"] is False and response.json()["detail"]


def test_the_phone_s_confirm_and_its_conflict_over_http(client):
    count, t = counting_day()
    first, second = staff_user("Warehouse clerk"), staff_user("Warehouse clerk")
    body = {
        "shelf": t["A01"].pk,
        "request_id": str(uuid.uuid4()),
        "items": [{"product": t["milk"].pk, "lot": "L1", "quantity": 36}],
    }
    client.force_login(first)
    assert _action(client, count, "confirm", body).json() == {
        "ok": True,
        "shelf": t["A01"].pk,
        "counted": 36,
        "empty": False,
    }
    assert _action(client, count, "confirm", body).status_code == 200  # the same request again
    client.force_login(second)
    again = _action(client, count, "confirm", body | {"request_id": str(uuid.uuid4())})
    assert again.status_code == 409
    assert again.json()["confirmed_by"] == first.username
    assert first.username in again.json()["detail"]


def test_a_blind_count_s_page_carries_no_book_quantity(client):
    count, t = counting_day(blind=True)
    client.force_login(staff_user("Warehouse clerk"))
    page = client.get(f"/admin/documents/document/{count.pk}/count-phone/").content.decode()
    data = re.search(r'id="count-shelves" type="application/json">(.*?)</script>', page)
    shelves = json.loads(data.group(1))
    assert [s["location"] for s in shelves] == ["MAIN/A/01", "MAIN/B/01", "MAIN/C/01"]
    assert all(s["expected"] == [] for s in shelves) and "book" not in data.group(1)
    assert "on the books" not in page


def test_shelves_are_walked_in_pick_order_not_by_name():
    count, t = counting_day()
    Location.objects.filter(pk=t["C01"].pk).update(pick_order=0)
    assert count_shelf_ids(document_id=count.pk) == [t["C01"].pk, t["A01"].pk, t["B01"].pk]


def test_who_may_not_count_gets_a_403_and_a_clerk_finds_the_page(client):
    count, t = counting_day()
    outsider = staff_user("Warehouse clerk")
    outsider.groups.clear()
    client.force_login(outsider)
    assert client.get(f"/admin/documents/document/{count.pk}/count-phone/").status_code == 403
    assert client.get("/admin/documents/document/count-phone/").status_code == 403
    client.force_login(staff_user("Warehouse clerk"))
    listing = client.get("/admin/documents/document/").content.decode()
    assert 'href="/admin/documents/document/count-phone/"' in listing


def test_a_posted_count_has_nothing_left_to_count(client):
    count, t = counting_day()
    document_post(document_id=count.pk)
    client.force_login(staff_user("Warehouse clerk"))
    page = client.get(f"/admin/documents/document/{count.pk}/count-phone/").content.decode()
    assert f"{count.number} is posted: nothing is left to count." in page
    assert "count-shelves" not in page


def test_a_serial_is_counted_by_its_gs1_serial():
    main = WarehouseFactory(code="EAST")
    shelf = location_create(warehouse_id=main.pk, code="S1", barcode="LOC-S1")
    laptop = ProductFactory(sku="LAPTOP", tracking="serial", barcode="04006381333948")
    post_lines("receipt", main, [LineInput(laptop.pk, 1, location_id=shelf.pk, lot="SN-7")])
    found = check_count_scan(shelf.pk, "item", "010400638133394821sn-7")
    assert (found["ok"], found["sku"], found["lot"], found["count"]) == (True, "LAPTOP", "SN-7", 1)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_counters_finishing_at_once_post_the_count_once(settings):
    settings.COUNT_FLOW_POSTS = True
    count, t = counting_day()
    manager = t["manager"]
    confirm(count, t["A01"], [Counted(t["milk"].pk, 36, "L1")])
    confirm(count, t["B01"], [Counted(t["pens"].pk, 30)])
    confirm(count, t["C01"], empty=True)
    results = run_concurrently([lambda: count_finish(document_id=count.pk, user=manager)] * 2)
    assert not [r for r in results if isinstance(r, Exception)], results
    assert sorted(r.posted for r in results) == [False, True]
    assert all(r.document.status == Status.POSTED for r in results)
    assert on_shelf(t["A01"], t["milk"]) == 36
    assert on_shelf(t["B01"], t["pens"]) == 30
    assert on_shelf(t["C01"], t["cups"]) == 0


@pytest.mark.parametrize(
    ("code", "said"),
    [
        ("(02)14006381333938(37)3", ("PEN", "", 36)),  # 3 cases of 12 on a pallet label
        (CASE, ("PEN", "", 12)),
        ("0104006381333931" + "10l1", ("MILK", "L1", 1)),  # the lot in another case
        ("04006381333931", ("MILK", "", 1)),  # no lot: asked for next
    ],
)
def test_a_scan_on_a_shelf_counts_what_it_names(code, said):
    count, t = counting_day()
    found = check_count_scan(t["A01"].pk, "item", code)
    assert found["ok"] and (found["sku"], found["lot"], found["count"]) == said
    assert found.get("needs_lot", False) == (code == "04006381333931")


def test_an_unknown_lot_or_code_on_a_shelf_is_refused():
    count, t = counting_day()
    unknown_lot = check_count_scan(t["A01"].pk, "item", "010400638133393110L9")
    assert not unknown_lot["ok"] and "No lot L9 of MILK" in unknown_lot["detail"]
    assert not check_count_scan(t["A01"].pk, "lot", "L9", t["milk"].pk)["ok"]
    assert check_count_scan(t["A01"].pk, "lot", "l2", t["milk"].pk) == {"ok": True, "lot": "L2"}
    assert "Unknown code" in check_count_scan(t["A01"].pk, "item", "NOPE")["detail"]
