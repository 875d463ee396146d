"""Failed postings are recorded for ops, outside the posting's rolled-back transaction."""

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from documents.exceptions import EmptyDocument
from documents.models import Document, PostingFailure
from documents.services import document_delete, document_post
from inventory.exceptions import InsufficientStock
from tests.factories import UserFactory
from tests.support.documents import make_document, post

pytestmark = pytest.mark.django_db


def test_a_shortage_is_recorded_while_the_posting_is_rolled_back(warehouse, product):
    document = make_document("shipment", warehouse, [(product, 5)])
    with pytest.raises(InsufficientStock):
        document_post(document_id=document.pk)
    failure = PostingFailure.objects.get()
    assert (failure.document, failure.document_number, failure.doc_type, failure.reason) == (
        document,
        document.number,
        "shipment",
        "insufficient_stock",
    )
    assert "requested 5, available 0" in failure.message
    assert Document.objects.get(pk=document.pk).status == "draft"


def test_each_kind_of_failure_has_its_reason(warehouse, product):
    clerk = UserFactory()
    posted = post("receipt", warehouse, [(product, 1)])
    draft = make_document("receipt", warehouse, [(product, 1)])
    for document_id, user, error in (
        (posted.pk, None, Exception),
        (draft.pk, clerk, PermissionDenied),
        (987654, None, Document.DoesNotExist),
    ):
        with pytest.raises(error):
            document_post(document_id=document_id, user=user)
    assert list(PostingFailure.objects.order_by("id").values_list("reason", "user")) == [
        ("invalid_state", None),
        ("permission_denied", clerk.pk),
        ("not_found", None),
    ]


def test_an_empty_document_is_recorded(warehouse, product):
    document = make_document("receipt", warehouse, [(product, 1)])
    document.lines.all().delete()
    with pytest.raises(EmptyDocument):
        document_post(document_id=document.pk)
    assert PostingFailure.objects.get().reason == "document_empty"


def test_the_record_survives_the_draft(warehouse, product):
    document = make_document("shipment", warehouse, [(product, 5)])
    with pytest.raises(InsufficientStock):
        document_post(document_id=document.pk)
    document_delete(document_id=document.pk)
    failure = PostingFailure.objects.get()
    assert failure.document is None
    assert failure.document_number == document.number


def test_inside_a_callers_transaction_the_failure_leaves_it_usable(warehouse, product):
    document = make_document("shipment", warehouse, [(product, 5)])
    with transaction.atomic():
        with pytest.raises(InsufficientStock):
            document_post(document_id=document.pk)
        post("receipt", warehouse, [(product, 5)])
        document_post(document_id=document.pk)
    assert PostingFailure.objects.count() == 1
    assert Document.objects.get(pk=document.pk).status == "posted"


def test_purge_deletes_only_old_records(warehouse, product):
    for _ in range(3):
        PostingFailure.objects.create(reason="insufficient_stock")
    old = timezone.now() - timezone.timedelta(days=91)
    PostingFailure.objects.filter(pk__in=PostingFailure.objects.values("pk")[:2]).update(
        created_at=old
    )
    call_command("purge_posting_failures", "--days", "90")
    assert PostingFailure.objects.count() == 1


def test_the_former_command_name_still_purges(warehouse, product):
    PostingFailure.objects.create(reason="invalid")
    PostingFailure.objects.update(created_at=timezone.now() - timezone.timedelta(days=91))
    call_command("prune_posting_failures")  # CronJobs deployed before the rename call it
    assert not PostingFailure.objects.exists()
