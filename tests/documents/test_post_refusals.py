"""Posting what cannot be posted (posted, cancelled, empty, unknown) is refused, moving nothing."""

import pytest

from documents.exceptions import DocumentStateError, EmptyDocument
from documents.models import Document, Status
from documents.services import document_cancel, document_post
from tests.support.documents import make_document, post
from tests.support.stock import stock

pytestmark = pytest.mark.django_db


def test_posting_a_posted_document_is_refused_and_moves_nothing(warehouse, product):
    receipt = post("receipt", warehouse, [(product, 10)])
    with pytest.raises(DocumentStateError) as raised:
        document_post(document_id=receipt.pk)
    assert "already posted" in raised.value.message
    assert stock(warehouse, product) == 10
    assert receipt.movements.count() == 1


def test_posting_a_cancelled_draft_is_refused(warehouse, product):
    draft = make_document("receipt", warehouse, [(product, 10)])
    document_cancel(document_id=draft.pk)
    with pytest.raises(DocumentStateError):
        document_post(document_id=draft.pk)
    assert stock(warehouse, product) == 0


def test_posting_a_document_without_lines_is_refused(warehouse, product):
    draft = make_document("receipt", warehouse, [(product, 1)])
    draft.lines.all().delete()
    with pytest.raises(EmptyDocument):
        document_post(document_id=draft.pk)
    assert Document.objects.get(pk=draft.pk).status == Status.DRAFT


def test_posting_an_unknown_document_raises_does_not_exist(db):
    with pytest.raises(Document.DoesNotExist):
        document_post(document_id=999_999)
