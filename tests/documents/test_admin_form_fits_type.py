"""A document's form shows what its type uses, with the unit and stock beside each line."""

import re

import pytest

from tests.documents.admin_helpers import ADD_URL, change_url, form_data
from tests.factories import ProductFactory
from tests.support.documents import make_document, post

pytestmark = pytest.mark.django_db


def type_choices(client) -> list[str]:
    page = client.get(ADD_URL).content.decode()
    select = re.search(r'<select name="doc_type".*?</select>', page, re.S).group(0)
    return [v for v in re.findall(r'value="([^"]*)"', select) if v]


def test_a_clerk_is_offered_only_the_types_a_clerk_may_post(clerk_client):
    assert type_choices(clerk_client) == ["receipt", "shipment", "transfer"]


def test_a_manager_is_offered_every_type(manager_client):
    assert type_choices(manager_client) == [
        "receipt",
        "shipment",
        "transfer",
        "adjustment",
        "count",
        "return",
    ]


def test_a_clerk_cannot_forge_a_type_they_may_not_post(clerk_client, warehouse, product):
    response = clerk_client.post(ADD_URL, form_data("adjustment", warehouse, [(product, 1)]))
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()


def test_only_a_transfer_shows_a_destination(manager_client, warehouse, other_warehouse, product):
    receipt = make_document("receipt", warehouse, [(product, 1)])
    transfer = make_document("transfer", warehouse, [(product, 1)], destination=other_warehouse)
    assert (
        "field-destination_warehouse"
        not in manager_client.get(change_url(receipt)).content.decode()
    )
    assert (
        "field-destination_warehouse" in manager_client.get(change_url(transfer)).content.decode()
    )


def test_each_draft_line_shows_its_unit_and_the_stock_in_the_warehouse(manager_client, warehouse):
    boxes = ProductFactory(sku="BOX", unit="box")
    post("receipt", warehouse, [(boxes, 30)])
    shipment = make_document("shipment", warehouse, [(boxes, 5)])
    page = manager_client.get(change_url(shipment)).content.decode()
    assert re.search(r'<td class="field-unit">\s*<p>box</p>', page)
    assert re.search(r'<td class="field-in_stock">\s*<p>30</p>', page)
    assert 'id="scan-entry"' in page


def test_a_posted_document_has_no_scan_input_nor_todays_stock(manager_client, warehouse, product):
    receipt = post("receipt", warehouse, [(product, 3)])
    page = manager_client.get(change_url(receipt)).content.decode()
    assert 'id="scan-entry"' not in page
    assert "field-in_stock" not in page
    assert "field-unit" in page


def test_posting_asks_for_confirmation(manager_client, warehouse, product):
    draft = make_document("receipt", warehouse, [(product, 3)])
    page = manager_client.get(change_url(draft)).content.decode()
    # post_confirm.js asks, with the totals, before the button submits.
    assert f'class="post-document" data-number="{draft.number}"' in page
    assert "documents/post_confirm.js" in page
