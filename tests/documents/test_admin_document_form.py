import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from documents.models import Document, Status
from documents.services import document_post
from tests.documents.admin_helpers import ADD_URL, change_url, delete_url, form_data, messages_of
from tests.factories import ProductFactory, WarehouseFactory
from tests.support.documents import make_document, post
from tests.support.stock import stock

pytestmark = pytest.mark.django_db


def form_errors(response) -> dict:
    return response.context["adminform"].form.errors


def line_errors(response) -> list[str]:
    return list(response.context["inline_admin_formsets"][0].formset.non_form_errors())


def test_a_receipt_with_two_lines_is_created_as_a_draft_by_the_logged_in_user(
    manager_client, manager, warehouse
):
    first, second = ProductFactory.create_batch(2)
    data = form_data("receipt", warehouse, [(first, 5), (second, 7)], reference="PO-1")

    response = manager_client.post(ADD_URL, data, follow=True)

    document = Document.objects.get(reference="PO-1")
    assert document.status == Status.DRAFT
    assert document.number.startswith("RCV-")
    assert document.created_by == manager
    assert sorted(document.lines.values_list("product_id", "quantity")) == [
        (first.pk, 5),
        (second.pk, 7),
    ]
    assert any(
        document.number in m and "was added successfully" in m for m in messages_of(response)
    )
    assert stock(warehouse, first) == 0  # a draft moves nothing


def test_a_transfer_without_destination_shows_the_error_on_the_field(
    manager_client, warehouse, product
):
    response = manager_client.post(ADD_URL, form_data("transfer", warehouse, [(product, 1)]))

    assert response.status_code == 200
    assert form_errors(response)["destination_warehouse"] == [
        "A transfer needs a destination warehouse."
    ]
    assert not Document.objects.exists()


def test_a_move_within_one_warehouse_without_a_destination_location_is_refused(
    manager_client, warehouse, product
):
    data = form_data("transfer", warehouse, [(product, 1)], destination=warehouse)
    response = manager_client.post(ADD_URL, data)
    assert line_errors(response) == [
        f"Line 1 ({product.sku}): a move within one warehouse needs a destination location."
    ]
    assert not Document.objects.exists()


def test_an_inactive_warehouse_is_refused_on_the_field(manager_client, product):
    closed = WarehouseFactory(is_active=False)
    response = manager_client.post(ADD_URL, form_data("receipt", closed, [(product, 1)]))
    assert form_errors(response)["warehouse"] == [f"Warehouse {closed.code} is inactive."]
    assert not Document.objects.exists()


def test_line_rules_of_the_type_are_shown_with_the_lines(manager_client, warehouse, product):
    inactive = ProductFactory(is_active=False)
    data = form_data("shipment", warehouse, [(product, -2), (inactive, 1)])

    response = manager_client.post(ADD_URL, data)

    assert line_errors(response) == [
        f"Line 1 ({product.sku}): a shipment's quantity must be positive.",
        f"Line 2: product {inactive.sku} is inactive.",
    ]
    assert "a shipment&#x27;s quantity must be positive" in response.content.decode()
    assert not Document.objects.exists()


def test_the_same_product_twice_is_refused(manager_client, warehouse, product):
    data = form_data("receipt", warehouse, [(product, 1), (product, 2)])
    response = manager_client.post(ADD_URL, data)
    assert line_errors(response) == [f"Line 2: product {product.sku} appears more than once."]


def test_a_document_without_lines_is_refused(manager_client, warehouse):
    response = manager_client.post(ADD_URL, form_data("receipt", warehouse, []))
    assert line_errors(response) == ["A document needs at least one line."]
    assert not Document.objects.exists()


def test_editing_a_draft_replaces_its_lines(manager_client, warehouse, other_warehouse):
    keep, drop, add = ProductFactory.create_batch(3)
    draft = make_document("receipt", warehouse, [(keep, 1), (drop, 2)], reference="old")
    kept, dropped = draft.lines.order_by("id")
    data = form_data(
        None,
        other_warehouse,
        [(add, 9)],
        existing=[kept, dropped],
        reference="new",
        **{"lines-0-quantity": 4, "lines-1-DELETE": "on"},
    )

    response = manager_client.post(change_url(draft), data)

    assert response.status_code == 302
    draft.refresh_from_db()
    assert (draft.reference, draft.warehouse, draft.doc_type) == ("new", other_warehouse, "receipt")
    assert sorted(draft.lines.values_list("product_id", "quantity")) == [(keep.pk, 4), (add.pk, 9)]


def test_a_posted_document_is_shown_read_only_lines_included(manager_client, warehouse, product):
    receipt = post("receipt", warehouse, [(product, 3)])

    response = manager_client.get(change_url(receipt))

    html = response.content.decode()
    assert response.status_code == 200
    assert response.context["has_change_permission"] is False
    assert 'name="warehouse"' not in html and 'name="lines-0-quantity"' not in html
    assert 'name="_save"' not in html
    assert product.sku in html  # the line, as text


def test_a_posted_document_cannot_be_changed_by_a_forged_post(manager_client, warehouse, product):
    receipt = post("receipt", warehouse, [(product, 3)])
    line = receipt.lines.get()
    data = form_data(None, warehouse, existing=[line], **{"lines-0-quantity": 99})

    response = manager_client.post(change_url(receipt), data)

    assert response.status_code == 403
    assert receipt.lines.get().quantity == 3
    assert stock(warehouse, product) == 3


def test_a_draft_is_deleted_through_the_service(manager_client, warehouse, product):
    draft = make_document("receipt", warehouse, [(product, 1)])
    response = manager_client.post(delete_url(draft), {"post": "yes"})
    assert response.status_code == 302
    assert not Document.objects.filter(pk=draft.pk).exists()


def test_a_posted_document_cannot_be_deleted(manager_client, warehouse, product):
    receipt = post("receipt", warehouse, [(product, 1)])
    response = manager_client.post(delete_url(receipt), {"post": "yes"})
    assert response.status_code == 403
    assert Document.objects.filter(pk=receipt.pk).exists()


def _queries(client, url, method="get", data=None) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = getattr(client, method)(url, data) if data else getattr(client, method)(url)
    assert response.status_code in (200, 302)
    return len(captured)


@pytest.mark.parametrize("posted", [False, True], ids=["draft", "posted"])
def test_the_change_form_needs_no_query_per_line(admin_client, warehouse, posted):
    products = ProductFactory.create_batch(25)
    small = make_document("receipt", warehouse, [(products[0], 1)])
    large = make_document("receipt", warehouse, [(p, 1) for p in products])
    if posted:
        for document in (small, large):
            document_post(document_id=document.pk)

    assert _queries(admin_client, change_url(large)) == _queries(admin_client, change_url(small))


def test_saving_a_draft_needs_no_query_per_line(admin_client, warehouse):
    products = ProductFactory.create_batch(25)
    one = form_data("receipt", warehouse, [(products[0], 1)])
    many = form_data("receipt", warehouse, [(p, 1) for p in products])
    assert _queries(admin_client, ADD_URL, "post", many) == _queries(
        admin_client, ADD_URL, "post", one
    )
