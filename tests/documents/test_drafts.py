import pytest
from django.core.exceptions import ValidationError

from documents.exceptions import DocumentStateError
from documents.models import Document, DocumentLine
from documents.services import (
    MAX_QUANTITY,
    LineInput,
    document_create,
    document_delete,
    document_update,
)
from tests.factories import ProductFactory, WarehouseFactory
from tests.support.documents import make_document, post

pytestmark = pytest.mark.django_db


def errors_of(call) -> dict:
    with pytest.raises(ValidationError) as raised:
        call()
    return raised.value.message_dict


def create(doc_type, warehouse, lines, destination=None):
    return lambda: make_document(doc_type, warehouse, lines, destination)


def test_create_draft_with_lines(warehouse, product):
    document = make_document("shipment", warehouse, [(product, 5)], reference="SO-991")
    assert document.status == "draft"
    assert document.reference == "SO-991"
    assert list(document.lines.values_list("product_id", "quantity")) == [(product.pk, 5)]


@pytest.mark.parametrize(
    "doc_type, quantity, allowed",
    [
        ("receipt", 1, True),
        ("receipt", 0, False),
        ("shipment", -1, False),
        ("transfer", 0, False),
        ("adjustment", -5, True),
        ("adjustment", 0, False),
        ("count", 0, True),
        ("count", -1, False),
        ("receipt", MAX_QUANTITY, True),
        ("receipt", MAX_QUANTITY + 1, False),
    ],
)
def test_quantity_rules_per_type(doc_type, quantity, allowed, warehouse, other_warehouse, product):
    destination = other_warehouse if doc_type == "transfer" else None
    call = create(doc_type, warehouse, [(product, quantity)], destination)
    if allowed:
        call()
    else:
        assert "lines" in errors_of(call)
        assert not Document.objects.exists()


def test_unknown_type_is_refused(warehouse, product):
    assert "doc_type" in errors_of(create("gift", warehouse, [(product, 1)]))


def test_no_lines_is_refused(warehouse):
    assert errors_of(create("receipt", warehouse, [])) == {
        "lines": ["A document needs at least one line."]
    }


def test_a_product_twice_is_refused(warehouse, product):
    errors = errors_of(create("receipt", warehouse, [(product, 1), (product, 2)]))
    assert "appears more than once" in errors["lines"][0]


def test_transfer_needs_a_different_destination(warehouse, product):
    assert "destination_warehouse" in errors_of(create("transfer", warehouse, [(product, 1)]))
    errors = errors_of(create("transfer", warehouse, [(product, 1)], destination=warehouse))
    assert "needs a destination location" in errors["lines"][0]


def test_only_transfers_have_a_destination(warehouse, other_warehouse, product):
    errors = errors_of(create("receipt", warehouse, [(product, 1)], destination=other_warehouse))
    assert "destination_warehouse" in errors


def test_inactive_product_and_warehouse_are_refused():
    warehouse = WarehouseFactory(is_active=False)
    product = ProductFactory(is_active=False)
    errors = errors_of(create("receipt", warehouse, [(product, 1)]))
    assert "inactive" in errors["warehouse"][0]
    assert "inactive" in errors["lines"][0]


def test_unknown_product_is_refused(warehouse):
    errors = errors_of(
        lambda: document_create(
            doc_type="receipt", warehouse_id=warehouse.pk, lines=[LineInput(999_999, 1)]
        )
    )
    assert "does not exist" in errors["lines"][0]


def test_draft_can_be_edited_and_its_lines_replaced(warehouse, product):
    other = ProductFactory()
    draft = make_document("receipt", warehouse, [(product, 1)])
    document_update(document_id=draft.pk, note="checked", lines=[LineInput(other.pk, 4)])
    draft.refresh_from_db()
    assert draft.note == "checked"
    assert list(draft.lines.values_list("product_id", "quantity")) == [(other.pk, 4)]


def test_invalid_edit_changes_nothing(warehouse, product):
    draft = make_document("receipt", warehouse, [(product, 1)])
    with pytest.raises(ValidationError):
        document_update(document_id=draft.pk, note="x", lines=[LineInput(product.pk, -1)])
    draft.refresh_from_db()
    assert draft.note == ""
    assert list(draft.lines.values_list("quantity", flat=True)) == [1]


def test_draft_can_be_deleted(warehouse, product):
    draft = make_document("receipt", warehouse, [(product, 1)])
    document_delete(document_id=draft.pk)
    assert not Document.objects.exists()
    assert not DocumentLine.objects.exists()


def test_posted_document_is_immutable(warehouse, product):
    posted = post("receipt", warehouse, [(product, 10)])
    with pytest.raises(DocumentStateError):
        document_update(document_id=posted.pk, note="changed")
    with pytest.raises(DocumentStateError):
        document_update(document_id=posted.pk, lines=[LineInput(product.pk, 99)])
    with pytest.raises(DocumentStateError):
        document_delete(document_id=posted.pk)
    posted.refresh_from_db()
    assert posted.note == ""
    assert list(posted.lines.values_list("quantity", flat=True)) == [10]
