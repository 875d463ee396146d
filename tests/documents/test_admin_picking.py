"""Picking in the admin: pick lists from selected reserved documents and their paper, the
reserved documents waiting with their age, and the quantities shipped per line at Post."""

import re
from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from documents.admin.picking import age
from documents.models import Document, PickList, Status
from documents.services import LineInput, document_create, document_post, document_reserve
from inventory.models import StockReservation
from tests.documents.admin_helpers import CHANGELIST_URL, change_url, messages_of, post_url
from tests.factories import ProductFactory
from tests.support.documents import make_document, post
from tests.support.stock import stock
from tests.support.users import user_with
from warehouses.services import location_create

pytestmark = pytest.mark.django_db

WAITING_URL = CHANGELIST_URL + "?status__exact=reserved"


def reserved(warehouse, lines):
    document = make_document("shipment", warehouse, lines)
    return document_reserve(document_id=document.pk)


def print_url(pick_list) -> str:
    return reverse("admin:documents_picklist_print", args=[pick_list.pk])


def pick_action(client, documents, url=CHANGELIST_URL):
    return client.post(
        url, {"action": "create_pick_list", "_selected_action": [d.pk for d in documents]}
    )


def rows(page: str, css: str) -> list[list[str]]:
    """The words of each task's cell of class ``css``, without the barcodes' texts."""
    cells = re.findall(rf'<td class="{css}">(.*?)</td>', page, re.S)
    return [
        re.sub(r"<[^>]+>", " ", re.sub(r"<svg.*?</svg>", "", c, flags=re.S)).split() for c in cells
    ]


@pytest.fixture
def wave(warehouse):
    """Two reserved shipments over a far shelf holding a lot of milk and a near one of boxes."""
    far = location_create(warehouse_id=warehouse.pk, code="Z", pick_order=9, barcode="LOC-Z")
    near = location_create(warehouse_id=warehouse.pk, code="B", pick_order=1)
    milk = ProductFactory(sku="MILK", name="Milk 1 l", tracking="lot", barcode="04006381333931")
    box = ProductFactory(sku="BOX", name="Moving box")
    receipt = document_create(
        doc_type="receipt",
        warehouse_id=warehouse.pk,
        lines=[
            LineInput(milk.pk, 10, location_id=far.pk, lot="L1", expires_on=date(2027, 3, 31)),
            LineInput(box.pk, 10, location_id=near.pk),
        ],
    )
    document_post(document_id=receipt.pk)
    first = reserved(warehouse, [(milk, 2), (box, 3)])
    second = reserved(warehouse, [(box, 1)])
    return first, second


def test_the_action_makes_one_pick_list_and_shows_its_paper(clerk_client, clerk, wave, warehouse):
    first, second = wave
    response = pick_action(clerk_client, wave)

    pick_list = PickList.objects.get()
    assert response.status_code == 302 and response.url == print_url(pick_list)
    assert set(pick_list.documents.all()) == {first, second}
    assert pick_list.created_by == clerk
    page = clerk_client.get(response.url).content.decode()
    # Walking order: the near shelf (pick order 1) before the far one (9).
    assert rows(page, "place") == [[f"{warehouse.code}/B"], [f"{warehouse.code}/Z"]]
    assert rows(page, "sku") == [["BOX"], ["MILK"]]
    assert rows(page, "name") == [["Moving", "box"], ["Milk", "1", "l"]]
    assert rows(page, "lot") == [["—"], ["L1"]]
    assert rows(page, "expires") == [["—"], ["2027-03-31"]]
    assert rows(page, "num quantity") == [["4"], ["2"]]
    assert rows(page, "for") == [
        [first.number, "×", "3", second.number, "×", "1"],
        [first.number, "×", "2"],
    ]
    assert page.count('class="tick"') == 2
    # Barcodes: the pick list's number, then per task its location, product and lot (if any).
    assert page.count("<svg") == 1 + 2 + 2 + 1
    assert pick_list.number in page and "PCK-" in pick_list.number


def test_barcodes_carry_the_location_s_and_product_s_codes(clerk_client, wave):
    pick_action(clerk_client, wave)
    page = clerk_client.get(print_url(PickList.objects.get())).content.decode()
    texts = re.findall(r"<text[^>]*>([^<]*)</text>", page)
    # The far shelf's own barcode, the box's SKU (it has no barcode), the milk's EAN-13.
    assert "LOC-Z" in texts and "BOX" in texts and "L1" in texts
    assert any(t.replace(" ", "") == "4006381333931" for t in texts)


def test_a_document_that_is_not_reserved_is_named_and_nothing_is_made(
    clerk_client, wave, warehouse
):
    product = ProductFactory()
    post("receipt", warehouse, [(product, 5)])
    draft = make_document("shipment", warehouse, [(product, 1)])

    response = pick_action(clerk_client, [*wave, draft])

    assert response.status_code == 302 and response.url.startswith(CHANGELIST_URL)
    shown = messages_of(clerk_client.get(response.url))
    assert shown == [
        f"No pick list was made: Only reserved documents are picked: {draft.number} is draft."
    ]
    assert not PickList.objects.exists()


def test_who_may_not_make_pick_lists_is_not_offered_the_action(client, wave):
    viewer = user_with(perms=["documents.view_document"], is_staff=True)
    client.force_login(viewer)
    page = client.get(CHANGELIST_URL).content.decode()
    assert "create_pick_list" not in page
    assert (
        client.post(
            reverse("admin:documents_picklist_make"), {"documents": [wave[0].pk]}
        ).status_code
        == 403
    )
    assert not PickList.objects.exists()


def test_the_pick_lists_page_lists_documents_maker_and_a_print_link(clerk_client, clerk, wave):
    pick_action(clerk_client, wave)
    pick_list = PickList.objects.get()
    page = clerk_client.get(reverse("admin:documents_picklist_changelist")).content.decode()
    assert pick_list.number in page
    assert wave[0].number in page and wave[1].number in page
    assert clerk.get_username() in page
    assert f'href="{print_url(pick_list)}"' in page
    assert reverse("admin:documents_picklist_add") not in page  # made from documents only


def test_a_posted_document_is_said_to_be_done_on_its_pick_list(clerk_client, wave):
    pick_action(clerk_client, wave)
    document_post(document_id=wave[1].pk)
    page = clerk_client.get(print_url(PickList.objects.get())).content.decode()
    assert f"nothing left to pick for: {wave[1].number} (posted)" in page
    assert rows(page, "num quantity") == [["3"], ["2"]]  # the first one's part only


def test_the_paper_costs_the_same_for_1_and_40_tasks(clerk_client, warehouse):
    products = ProductFactory.create_batch(41)
    post("receipt", warehouse, [(p, 10) for p in products])
    one = reserved(warehouse, [(products[0], 1)])
    many = [reserved(warehouse, [(p, 2)]) for p in products[1:]]

    def cost(documents):
        pick_action(clerk_client, documents)
        url = print_url(PickList.objects.order_by("-pk").first())
        with CaptureQueriesContext(connection) as captured:
            page = clerk_client.get(url).content.decode()
        return len(captured), page.count('class="task"')

    (small, tasks_small), (large, tasks_large) = cost([one]), cost(many)
    assert (tasks_small, tasks_large) == (1, 40)
    assert small == large


# --- waiting to be picked -------------------------------------------------------------------


def _reserved_ago(document, delta):
    StockReservation.objects.filter(document=document).update(created_at=timezone.now() - delta)


def test_reserved_documents_wait_oldest_first_with_their_age(clerk_client, warehouse, product):
    post("receipt", warehouse, [(product, 10)])
    recent, old, oldest = (reserved(warehouse, [(product, 1)]) for _ in range(3))
    _reserved_ago(recent, timedelta(minutes=25))
    _reserved_ago(old, timedelta(hours=3, minutes=10))
    _reserved_ago(oldest, timedelta(days=2, hours=1))
    make_document("shipment", warehouse, [(product, 1)])  # a draft is not waiting to be picked

    page = clerk_client.get(WAITING_URL).content.decode()

    numbers = re.findall(r'<th class="field-number"><a [^>]*>([^<]+)</a>', page)
    assert numbers == [oldest.number, old.number, recent.number]
    assert re.findall(r'<td class="field-waiting">([^<]+)</td>', page) == ["2 d", "3 h", "25 min"]
    assert page.count('class="button pick-one"') == 3


def test_the_waiting_list_s_button_makes_that_document_s_pick_list(clerk_client, wave):
    response = clerk_client.post(
        reverse("admin:documents_picklist_make"), {"documents": wave[1].pk}
    )
    pick_list = PickList.objects.get()
    assert response.url == print_url(pick_list)
    assert list(pick_list.documents.all()) == [wave[1]]


def test_the_waiting_list_costs_the_same_for_1_and_30_documents(clerk_client, warehouse, product):
    post("receipt", warehouse, [(product, 100)])
    reserved(warehouse, [(product, 1)])

    def cost():
        with CaptureQueriesContext(connection) as captured:
            assert clerk_client.get(WAITING_URL).status_code == 200
        return len(captured)

    small = cost()
    for _ in range(29):
        reserved(warehouse, [(product, 1)])
    assert small == cost()


def test_ages_read_as_a_floor_lead_says_them():
    assert [age(timedelta(seconds=s)) for s in (0, 59 * 60, 3600, 47 * 3600 + 3599)] == [
        "0 min",
        "59 min",
        "1 h",
        "47 h",
    ]
    assert age(timedelta(days=3, hours=5)) == "3 d"


# --- what was shipped -----------------------------------------------------------------------


def shipped_inputs(page: str) -> dict[str, str]:
    return dict(re.findall(r'<input type="number" name="(shipped-\d+)" value="([^"]*)"', page))


@pytest.fixture
def reserved_shipment(warehouse):
    pen, cup = ProductFactory(sku="PEN"), ProductFactory(sku="CUP")
    post("receipt", warehouse, [(pen, 10), (cup, 10)])
    return reserved(warehouse, [(pen, 5), (cup, 2)])


def test_a_reserved_document_shows_reserved_available_and_shipped_per_line(
    clerk_client, reserved_shipment
):
    page = clerk_client.get(change_url(reserved_shipment)).content.decode()
    pen, cup = reserved_shipment.lines.order_by("pk")
    assert shipped_inputs(page) == {f"shipped-{pen.pk}": "5", f"shipped-{cup.pk}": "2"}
    assert re.findall(r'<td class="field-reserved">\s*<p>(\d+)</p>', page) == ["5", "2"]
    assert re.findall(r'<td class="field-available">\s*<p>(\d+)</p>', page) == ["5", "8"]
    assert 'form="post-document-form"' in page and 'id="post-document-form"' in page


def test_a_short_pick_ships_what_was_typed_and_links_the_backorder(
    clerk_client, reserved_shipment, warehouse
):
    pen, cup = reserved_shipment.lines.order_by("pk")
    response = clerk_client.post(
        post_url(reserved_shipment),
        {f"shipped-{pen.pk}": "3", f"shipped-{cup.pk}": "2"},
        follow=True,
    )

    shipment = Document.objects.get(pk=reserved_shipment.pk)
    assert shipment.status == Status.POSTED
    backorder = shipment.backorders.get()
    assert list(backorder.lines.values_list("product__sku", "quantity")) == [("PEN", 2)]
    assert stock(warehouse, pen.product) == 7 and stock(warehouse, cup.product) == 8
    (message,) = messages_of(response)
    assert message == (
        f'{shipment.number} posted; backorder <a href="{change_url(backorder)}">'
        f"{backorder.number}</a> holds what was not shipped."
    )
    assert f'href="{change_url(backorder)}"' in response.content.decode()


def test_everything_picked_posts_without_a_backorder(clerk_client, reserved_shipment):
    pen, cup = reserved_shipment.lines.order_by("pk")
    response = clerk_client.post(
        post_url(reserved_shipment),
        {f"shipped-{pen.pk}": "5", f"shipped-{cup.pk}": "2"},
        follow=True,
    )
    assert messages_of(response) == [f"{reserved_shipment.number} posted."]
    assert not Document.objects.filter(backorder_of=reserved_shipment).exists()


@pytest.mark.parametrize(
    ("typed", "problem"),
    [
        ("6", "more than the 5 reserved."),
        ("-1", "a shipped quantity cannot be negative."),
        ("two", "enter a whole number."),
    ],
)
def test_a_bad_shipped_quantity_is_shown_on_the_form_and_nothing_is_posted(
    clerk_client, reserved_shipment, warehouse, typed, problem
):
    pen, cup = reserved_shipment.lines.order_by("pk")
    response = clerk_client.post(
        post_url(reserved_shipment),
        {f"shipped-{pen.pk}": typed, f"shipped-{cup.pk}": "1"},
        follow=True,
    )

    assert messages_of(response) == [
        f"{reserved_shipment.number} was not posted: line 1 (PEN): {problem}"
    ]
    page = response.content.decode()
    # The form shows what was typed, the bad one marked, for correcting.
    assert shipped_inputs(page) == {f"shipped-{pen.pk}": typed, f"shipped-{cup.pk}": "1"}
    assert page.count('<ul class="errorlist"><li>') == 1 and problem in page
    assert Document.objects.get(pk=reserved_shipment.pk).status == Status.RESERVED
    assert stock(warehouse, pen.product) == 10
    assert not Document.objects.filter(backorder_of=reserved_shipment).exists()


def test_a_line_of_another_document_is_refused_on_the_form(
    clerk_client, reserved_shipment, warehouse, product
):
    post("receipt", warehouse, [(product, 1)])
    other = reserved(warehouse, [(product, 1)]).lines.get()
    response = clerk_client.post(
        post_url(reserved_shipment), {f"shipped-{other.pk}": "0"}, follow=True
    )
    (message,) = messages_of(response)
    assert message == (
        f"{reserved_shipment.number} was not posted: the form names line id {other.pk}, "
        f"which is not on {reserved_shipment.number}"
    )
    assert Document.objects.get(pk=reserved_shipment.pk).status == Status.RESERVED


def test_who_may_not_post_sees_no_shipped_inputs(client, reserved_shipment):
    viewer = user_with(perms=["documents.view_document"], is_staff=True)
    client.force_login(viewer)
    page = client.get(change_url(reserved_shipment)).content.decode()
    assert shipped_inputs(page) == {}
    line = reserved_shipment.lines.first()
    response = client.post(post_url(reserved_shipment), {f"shipped-{line.pk}": "1"})
    assert response.status_code == 403
    assert Document.objects.get(pk=reserved_shipment.pk).status == Status.RESERVED


def test_posting_typed_quantities_costs_the_same_for_1_and_30_lines(clerk_client, warehouse):
    products = ProductFactory.create_batch(31)
    post("receipt", warehouse, [(p, 10) for p in products])
    one = reserved(warehouse, [(products[0], 5)])
    thirty = reserved(warehouse, [(p, 5) for p in products[1:]])

    def cost(document):
        typed = {f"shipped-{pk}": "3" for pk in document.lines.values_list("pk", flat=True)}
        with CaptureQueriesContext(connection) as captured:
            assert clerk_client.post(post_url(document), typed).status_code == 302
        return len(captured)

    assert cost(one) == cost(thirty)
    assert Document.objects.get(backorder_of=thirty).lines.count() == 30


def test_a_pick_list_s_own_page_is_read_only(clerk_client, wave):
    pick_action(clerk_client, wave)
    pick_list = PickList.objects.get()
    page = clerk_client.get(
        reverse("admin:documents_picklist_change", args=[pick_list.pk])
    ).content.decode()
    assert wave[0].number in page and f'href="{print_url(pick_list)}"' in page
    assert 'name="_save"' not in page
    assert (
        clerk_client.get(reverse("admin:documents_picklist_print", args=[10**9])).status_code == 404
    )
