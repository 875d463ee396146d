"""Returns in the admin: "Create return" on a posted shipment, the origin and returns shown."""

import pytest
from django.urls import reverse

from documents.models import Document, Status
from documents.services import LineInput, document_create
from tests.documents.admin_helpers import ADD_URL, change_url, form_data, messages_of, post_url
from tests.factories import ProductFactory
from tests.support.documents import post_lines
from tests.support.stock import total
from warehouses.services import location_create

pytestmark = pytest.mark.django_db


def create_return_url(document) -> str:
    return reverse("admin:documents_document_create_return", args=[document.pk])


@pytest.fixture
def milk(db):
    return ProductFactory(tracking="lot")


@pytest.fixture
def shipment(warehouse, milk, product):
    post_lines(
        "receipt",
        warehouse,
        [
            LineInput(milk.pk, 10, lot="A"),
            LineInput(milk.pk, 10, lot="B"),
            LineInput(product.pk, 10),
        ],
    )
    return post_lines(
        "shipment",
        warehouse,
        [LineInput(milk.pk, 12), LineInput(product.pk, 3)],  # all of lot A, 2 of B
    )


def test_create_return_drafts_what_can_still_come_back(
    manager_client, manager, shipment, warehouse, milk, product
):
    post_lines("return", warehouse, [LineInput(milk.pk, 4, lot="A")], origin=shipment)
    page = manager_client.get(change_url(shipment)).content.decode()
    assert create_return_url(shipment) in page

    response = manager_client.post(create_return_url(shipment), follow=True)

    draft = Document.objects.filter(doc_type="return", status=Status.DRAFT).get()
    assert response.redirect_chain[-1][0] == change_url(draft)
    assert messages_of(response)[0].startswith(f"{draft.number}: a draft return")
    assert (draft.origin_id, draft.created_by_id) == (shipment.pk, manager.pk)
    lines = sorted(draft.lines.values_list("product__sku", "lot__code", "quantity", "location_id"))
    root = warehouse.default_location_id
    assert lines == sorted(
        [(milk.sku, "A", 6, root), (milk.sku, "B", 2, root), (product.sku, None, 3, root)]
    )
    # The draft shows its shipment, linked, and its lines as they were filled.
    page = response.content.decode()
    assert f'href="{change_url(shipment)}"' in page
    assert 'name="lines-0-lot_code"' in page

    manager_client.post(post_url(draft))
    assert total(milk) == 20 - 12 + 4 + 8


def test_a_shipment_lists_its_returns_and_a_return_its_shipment(
    manager_client, shipment, warehouse, product
):
    returned = post_lines("return", warehouse, [LineInput(product.pk, 1)], origin=shipment)

    shipment_page = manager_client.get(change_url(shipment)).content.decode()
    return_page = manager_client.get(change_url(returned)).content.decode()

    assert f'<a href="{change_url(returned)}">{returned.number}</a> (posted)' in shipment_page
    assert f'href="{change_url(shipment)}"' in return_page
    assert create_return_url(returned) not in return_page


def test_nothing_left_to_return_says_so_and_drafts_nothing(
    manager_client, shipment, warehouse, milk, product
):
    post_lines(
        "return",
        warehouse,
        [
            LineInput(milk.pk, 10, lot="A"),
            LineInput(milk.pk, 2, lot="B"),
            LineInput(product.pk, 3),
        ],
        origin=shipment,
    )
    response = manager_client.post(create_return_url(shipment), follow=True)

    assert response.redirect_chain[-1][0] == change_url(shipment)
    assert "has come back already" in messages_of(response)[0]
    assert not Document.objects.filter(status=Status.DRAFT).exists()
    assert create_return_url(shipment) in response.content.decode()  # still offered


def test_a_clerk_drafts_a_return_and_is_told_a_manager_posts_it(clerk_client, shipment):
    assert create_return_url(shipment) in clerk_client.get(change_url(shipment)).content.decode()
    response = clerk_client.post(create_return_url(shipment), follow=True)
    draft = Document.objects.get(doc_type="return")
    assert draft.status == Status.DRAFT
    page = response.content.decode()
    assert "a manager posts returns" in page
    assert 'class="post-document"' not in page


def test_only_a_posted_shipment_offers_it(manager_client, warehouse, product):
    draft = document_create(
        doc_type="shipment", warehouse_id=warehouse.pk, lines=[LineInput(product.pk, 1)]
    )
    assert create_return_url(draft) not in manager_client.get(change_url(draft)).content.decode()
    response = manager_client.post(create_return_url(draft), follow=True)
    assert "only posted shipments are returned" in messages_of(response)[0]
    assert manager_client.get(create_return_url(draft)).status_code == 405


def test_a_return_drafted_on_the_add_form(manager_client, shipment, warehouse, product):
    dock = location_create(warehouse_id=warehouse.pk, code="DOCK")
    data = form_data("return", warehouse, [(product, 2)], origin=shipment.pk)
    data["lines-0-location"] = dock.pk

    response = manager_client.post(ADD_URL, data, follow=True)

    draft = Document.objects.get(doc_type="return")
    assert response.redirect_chain, messages_of(response) or response.content.decode()[:3000]
    assert (draft.origin_id, draft.lines.get().location_id) == (shipment.pk, dock.pk)


def test_the_add_form_refuses_a_return_without_its_shipment(manager_client, warehouse, product):
    response = manager_client.post(ADD_URL, form_data("return", warehouse, [(product, 2)]))
    assert response.status_code == 200
    assert "A return names the posted shipment it returns." in response.content.decode()
    assert not Document.objects.filter(doc_type="return").exists()
