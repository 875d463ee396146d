"""Edges of picking and posting what was picked: a forged admin form is a message, shipping
nothing at all is refused with what to do instead."""

import pytest

from documents.models import Document, Status
from documents.services import document_reserve
from inventory.models import StockMovement
from tests.documents.admin_helpers import messages_of, post_url
from tests.factories import ProductFactory
from tests.support.documents import make_document, post

pytestmark = pytest.mark.django_db


@pytest.fixture
def reserved_shipment(warehouse):
    pen, cup = ProductFactory(sku="PEN"), ProductFactory(sku="CUP")
    post("receipt", warehouse, [(pen, 10), (cup, 10)])
    return document_reserve(
        document_id=make_document("shipment", warehouse, [(pen, 5), (cup, 2)]).pk
    )


@pytest.mark.parametrize("value", ["abc", "3", ""])
def test_a_forged_shipped_field_for_a_line_not_on_the_document_is_a_message(
    clerk_client, reserved_shipment, value
):
    pen, cup = reserved_shipment.lines.order_by("pk")
    stranger = pen.pk + cup.pk + 1000
    response = clerk_client.post(
        post_url(reserved_shipment),
        {f"shipped-{pen.pk}": "5", f"shipped-{stranger}": value},
        follow=True,
    )
    assert response.status_code == 200
    (message,) = messages_of(response)
    assert f"line id {stranger}, which is not on {reserved_shipment.number}" in message
    assert Document.objects.get(pk=reserved_shipment.pk).status == Status.RESERVED


def test_shipping_nothing_on_every_line_is_refused_with_unreserve_said(
    clerk_api, reserved_shipment
):
    lines = [{"line": line.pk, "quantity": 0} for line in reserved_shipment.lines.all()]
    answer = clerk_api.post(
        f"/api/v1/documents/{reserved_shipment.pk}/post/", {"lines": lines}, format="json"
    )
    assert answer.status_code == 400
    assert "Unreserve the document instead" in answer.json()["errors"]["lines"][0]
    assert Document.objects.get(pk=reserved_shipment.pk).status == Status.RESERVED
    assert not StockMovement.objects.filter(document=reserved_shipment).exists()
    assert not Document.objects.filter(backorder_of=reserved_shipment).exists()


def test_shipping_nothing_on_one_line_still_posts(clerk_api, reserved_shipment):
    pen, cup = reserved_shipment.lines.order_by("pk")
    answer = clerk_api.post(
        f"/api/v1/documents/{reserved_shipment.pk}/post/",
        {"lines": [{"line": pen.pk, "quantity": 5}, {"line": cup.pk, "quantity": 0}]},
        format="json",
    )
    assert answer.status_code == 200 and answer.json()["backorder"]


def test_create_return_is_capped_at_a_document_s_lines(monkeypatch, manager_client, warehouse):
    from django.urls import reverse

    import documents.services.returns
    from documents.models import MAX_LINES

    assert MAX_LINES == 1000
    products = ProductFactory.create_batch(3)
    post("receipt", warehouse, [(p, 2) for p in products])
    shipment = post("shipment", warehouse, [(p, 1) for p in products])
    monkeypatch.setattr(documents.services.returns, "MAX_LINES", 2)
    url = reverse("admin:documents_document_create_return", args=[shipment.pk])
    response = manager_client.post(url, follow=True)
    assert response.status_code == 200
    (message,) = messages_of(response)
    assert "3 products and lots left to return, more than the 2 lines" in message
    assert not Document.objects.filter(origin=shipment).exists()


def test_reconcile_stock_finds_a_return_beyond_what_its_shipment_shipped(warehouse, product):
    from django.db import connection

    from documents.services import LineInput
    from inventory.selectors import stock_mismatches
    from tests.support.documents import post_lines

    post("receipt", warehouse, [(product, 10)])
    big = post("shipment", warehouse, [(product, 5)])
    small = post("shipment", warehouse, [(product, 1)])
    back = post_lines("return", warehouse, [LineInput(product.pk, 3)], origin=big)
    assert [m for m in stock_mismatches() if m.kind == "returns"] == []
    with connection.cursor() as cursor:  # what no service writes: the return now names `small`
        cursor.execute("UPDATE documents SET origin_id = %s WHERE id = %s", [small.pk, back.pk])
    found = [str(m) for m in stock_mismatches() if m.kind == "returns"]
    assert found == [
        f"shipment {small.pk}: product {product.pk} (lot None) came back 3 by its posted "
        "returns, but it shipped 1"
    ]


def test_a_forged_id_the_reserved_list_does_not_show_is_said_on_screen(
    clerk_client, reserved_shipment, warehouse
):
    from documents.models import PickList
    from tests.documents.admin_helpers import CHANGELIST_URL

    draft = make_document("shipment", warehouse, [(ProductFactory(), 1)])
    response = clerk_client.post(
        CHANGELIST_URL + "?status__exact=reserved",
        {"action": "create_pick_list", "_selected_action": [reserved_shipment.pk, draft.pk]},
        follow=True,
    )
    (message,) = messages_of(response)
    assert message == (
        "No pick list was made: the selection holds documents this list does not show "
        f"(not reserved, or not there): id {draft.pk}."
    )
    assert not PickList.objects.exists()
