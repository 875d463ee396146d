"""POST .../post/ answers from the rows posting had in hand: the same JSON, byte for byte, as
reading the posted document again through the serializer, in every shape a posting takes."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from documents.selectors import document_get
from documents.serializers import PostedDocumentSerializer
from documents.services import LineInput, document_create, document_reserve
from tests.factories import ProductFactory
from tests.support.documents import make_document, post
from warehouses.services import location_create

pytestmark = pytest.mark.django_db


def read_again(document_id: int, backorder: int | None) -> dict:
    """What the action answered before: the posted document read again and serialized."""
    answer = document_get(document_id)
    answer.backorder = backorder
    return PostedDocumentSerializer(answer).data


def post_over_http(client, document, body=None) -> dict:
    response = client.post(f"/api/v1/documents/{document.pk}/post/", body or {}, format="json")
    assert response.status_code == 200, response.content
    return response.json()


def test_a_receipt_with_lots_locations_and_a_note(manager_api, warehouse):
    shelf = location_create(warehouse_id=warehouse.pk, code="S1")
    milk = ProductFactory(tracking="lot")
    box = ProductFactory()
    receipt = document_create(
        doc_type="receipt",
        warehouse_id=warehouse.pk,
        reference="PO-1",
        note="by lorry",
        lines=[
            LineInput(milk.pk, 10, location_id=shelf.pk, lot="L1", expires_on=date(2027, 3, 31)),
            LineInput(box.pk, 5),
        ],
    )
    answer = post_over_http(manager_api, receipt)
    assert answer == read_again(receipt.pk, None)
    assert answer["lines"][0]["lot"] == "L1" and answer["lines"][0]["expires_on"] == "2027-03-31"


def test_a_shipment_of_many_lines(manager_api, warehouse):
    products = ProductFactory.create_batch(12)
    post("receipt", warehouse, [(p, 10) for p in products])
    shipment = make_document("shipment", warehouse, [(p, 3) for p in products])
    assert post_over_http(manager_api, shipment) == read_again(shipment.pk, None)


def test_a_short_pick_of_a_reserved_shipment_names_its_backorder(manager_api, warehouse, product):
    other = ProductFactory()
    post("receipt", warehouse, [(product, 10), (other, 10)])
    shipment = make_document("shipment", warehouse, [(product, 6), (other, 2)])
    document_reserve(document_id=shipment.pk)
    line = shipment.lines.get(product=product)
    answer = post_over_http(manager_api, shipment, {"lines": [{"line": line.pk, "quantity": 4}]})
    assert answer["backorder"] is not None
    assert answer == read_again(shipment.pk, answer["backorder"])
    assert all(line["reserved"] == 0 for line in answer["lines"])


def test_a_transfer(manager_api, warehouse, other_warehouse, product):
    post("receipt", warehouse, [(product, 10)])
    transfer = make_document("transfer", warehouse, [(product, 4)], destination=other_warehouse)
    assert post_over_http(manager_api, transfer) == read_again(transfer.pk, None)


def test_the_answer_costs_no_query_after_the_posting(manager_api, warehouse):
    """Posting 2 lines and 20 lines sends the same number of statements: constant in lines."""
    products = ProductFactory.create_batch(20)
    post("receipt", warehouse, [(p, 10) for p in products])
    counts = []
    for n in (2, 20):
        shipment = make_document("shipment", warehouse, [(p, 1) for p in products[:n]])
        with CaptureQueriesContext(connection) as queries:
            post_over_http(manager_api, shipment)
        counts.append(len(queries))
    assert counts[0] == counts[1]


@pytest.mark.postgres
def test_what_a_posting_over_http_asks_of_the_database(warehouse, manager):
    """Every statement of POST .../post/ with a token and an Idempotency-Key, in order: what
    each one is for is in BENCHMARKS.md ("Round trips per posting"). In a test the outer
    transaction is a savepoint; in production it is BEGIN and COMMIT. PostgreSQL's list: the
    audit context, the key's advisory lock and the folded statements are its own."""
    from rest_framework.test import APIClient

    from wms.tokens import api_token_create

    products = ProductFactory.create_batch(10)
    post("receipt", warehouse, [(p, 10) for p in products])
    shipment = make_document("shipment", warehouse, [(p, 1) for p in products])
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {api_token_create(user=manager)}")
    with CaptureQueriesContext(connection) as queries:
        response = client.post(
            f"/api/v1/documents/{shipment.pk}/post/", HTTP_IDEMPOTENCY_KEY="k-1", format="json"
        )
    assert response.status_code == 200
    kinds = [" ".join(q["sql"].split()).replace('"', "")[:30].strip() for q in queries]
    assert [k.split(" s")[0] if k.startswith(("SAVEPOINT", "RELEASE")) else k for k in kinds] == [
        "SELECT api_tokens.id, api_toke",  # the token (by its digest) and its user
        "(SELECT django_content_type.ap",  # the user's permissions, one UNION
        "SAVEPOINT",  # BEGIN in production: the key and the posting commit together
        "SELECT set_config('wms.audit',",  # who acts, for the audit trail's triggers
        "WITH lock AS (SELECT pg_try_ad",  # the key: advisory lock + insert, one statement
        "SAVEPOINT",  # document_post's own atomic block
        "SELECT d.*, w.id AS share_id,",  # the document locked, its warehouse FOR SHARE
        "WITH marked AS ( UPDATE docume",  # marked posted; lines, products FOR SHARE, entries
        "SELECT stock_quants.location_i",  # the quants to take from, locked in id order
        "WITH quants_added AS (UPDATE s",  # quants, warehouse rows, totals, the ledger
        "SELECT webhook_subscriptions.i",  # who listens (the outbox is written if anyone)
        "RELEASE SAVEPOINT",
        "UPDATE idempotency_keys SET re",  # the response kept for a retry
        "RELEASE SAVEPOINT",  # COMMIT in production
    ]
