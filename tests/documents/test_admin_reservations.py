"""Reserve and unreserve from the document's page and from the list, with their outcomes."""

import pytest
from django.urls import reverse

from documents.models import Document, Status
from tests.documents.admin_helpers import CHANGELIST_URL, change_url, messages_of
from tests.support.documents import make_document, post

pytestmark = pytest.mark.django_db


def test_a_clerk_reserves_and_unreserves_from_the_page(clerk_client, warehouse, product):
    post("receipt", warehouse, [(product, 5)])
    shipment = make_document("shipment", warehouse, [(product, 3)])
    page = clerk_client.get(change_url(shipment)).content.decode()
    assert "reserve-document" in page

    response = clerk_client.post(
        reverse("admin:documents_document_reserve", args=[shipment.pk]), follow=True
    )
    assert messages_of(response) == [f"{shipment.number} reserved."]
    assert Document.objects.get(pk=shipment.pk).status == Status.RESERVED
    assert "unreserve-document" in response.content.decode()

    response = clerk_client.post(
        reverse("admin:documents_document_unreserve", args=[shipment.pk]), follow=True
    )
    assert messages_of(response) == [f"{shipment.number} unreserved."]
    assert Document.objects.get(pk=shipment.pk).status == Status.DRAFT


def test_the_list_action_reports_each_document_s_outcome(clerk_client, warehouse, product):
    post("receipt", warehouse, [(product, 5)])
    fits = make_document("shipment", warehouse, [(product, 4)])
    short = make_document("shipment", warehouse, [(product, 4)])
    response = clerk_client.post(
        CHANGELIST_URL,
        {"action": "reserve_selected", "_selected_action": [fits.pk, short.pk]},
        follow=True,
    )
    shown = messages_of(response)
    assert shown[0] == f"{fits.number} reserved."
    assert shown[1].startswith(f"{short.number} was not reserved: Insufficient stock")
