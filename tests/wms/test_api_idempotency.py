"""Idempotency-Key: a retried POST replays its first answer and never acts twice."""

import threading
import time
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.utils import timezone

from documents.models import Document, PostingFailure, Status
from inventory.models import StockMovement
from tests.factories import ProductFactory, WarehouseFactory
from tests.support.documents import make_document, post
from tests.support.stock import stock
from tests.support.users import api_client, user_with
from wms.models import IdempotencyKey

pytestmark = pytest.mark.django_db

REPLAYED = "Idempotent-Replayed"


def send(client, url, body=None, key="key-1"):
    return client.post(url, body or {}, format="json", HTTP_IDEMPOTENCY_KEY=key)


def draft(warehouse, product, quantity=5, reference="SO-1"):
    return {
        "doc_type": "receipt",
        "warehouse": warehouse.pk,
        "reference": reference,
        "lines": [{"product": product.pk, "quantity": quantity}],
    }


def test_a_retried_create_replays_the_first_answer(clerk_api, warehouse, product):
    first = send(clerk_api, "/api/v1/documents/", draft(warehouse, product))
    retry = send(clerk_api, "/api/v1/documents/", draft(warehouse, product))

    assert first.status_code == retry.status_code == 201
    assert retry.content == first.content
    assert REPLAYED not in first
    assert retry[REPLAYED] == "true"
    assert Document.objects.count() == 1


def test_a_retried_post_moves_stock_once(clerk_api, warehouse, product):
    document = make_document("receipt", warehouse, [(product, 5)])
    url = f"/api/v1/documents/{document.pk}/post/"
    first, retry = send(clerk_api, url), send(clerk_api, url)
    assert first.status_code == retry.status_code == 200
    assert retry.json() == first.json()
    assert stock(warehouse, product) == 5


def test_a_retried_cancel_reverses_once(manager_api, warehouse, product):
    document = post("receipt", warehouse, [(product, 5)])
    url = f"/api/v1/documents/{document.pk}/cancel/"
    first, retry = send(manager_api, url), send(manager_api, url)
    assert first.status_code == retry.status_code == 200
    assert stock(warehouse, product) == 0
    assert StockMovement.objects.filter(is_reversal=True).count() == 1


@pytest.mark.parametrize(
    "url, body",
    [
        ("/api/v1/products/", {"sku": "SKU-9", "name": "Box"}),
        ("/api/v1/warehouses/", {"code": "WH-9", "name": "Depot"}),
    ],
)
def test_every_create_honours_the_key(manager_api, url, body):
    first, retry = send(manager_api, url, body), send(manager_api, url, body)
    assert first.status_code == retry.status_code == 201
    assert retry.json() == first.json()
    assert retry[REPLAYED] == "true"


def test_the_same_body_written_differently_is_the_same_request(clerk_api, warehouse, product):
    body = draft(warehouse, product)
    first = send(clerk_api, "/api/v1/documents/", body)
    reordered = dict(reversed(list(body.items())))
    retry = send(clerk_api, "/api/v1/documents/", reordered)
    assert retry.status_code == 201
    assert retry.json() == first.json()


def test_the_same_key_with_another_body_is_a_422(clerk_api, warehouse, product):
    send(clerk_api, "/api/v1/documents/", draft(warehouse, product, quantity=5))
    response = send(clerk_api, "/api/v1/documents/", draft(warehouse, product, quantity=6))
    assert response.status_code == 422
    assert response.json() == {
        "detail": "The Idempotency-Key 'key-1' was already used for a different request.",
        "code": "key_reused",
    }
    assert Document.objects.count() == 1


def test_the_same_key_on_another_endpoint_is_a_422(clerk_api, warehouse, product):
    one = make_document("receipt", warehouse, [(product, 1)])
    two = make_document("receipt", warehouse, [(product, 1)])
    send(clerk_api, f"/api/v1/documents/{one.pk}/post/")
    response = send(clerk_api, f"/api/v1/documents/{two.pk}/post/")
    assert response.status_code == 422
    assert Document.objects.get(pk=two.pk).status == Status.DRAFT


def test_keys_belong_to_their_user(warehouse, product):
    alice = api_client(user_with(groups=["Warehouse clerk"]))
    bob = api_client(user_with(groups=["Warehouse clerk"]))
    assert send(alice, "/api/v1/documents/", draft(warehouse, product)).status_code == 201
    response = send(bob, "/api/v1/documents/", draft(warehouse, product))
    assert response.status_code == 201
    assert REPLAYED not in response
    assert Document.objects.count() == 2


def test_a_failed_request_leaves_no_key_so_its_retry_acts(clerk_api, warehouse, product):
    document = make_document("shipment", warehouse, [(product, 5)])
    url = f"/api/v1/documents/{document.pk}/post/"
    short = send(clerk_api, url)
    assert short.status_code == 409
    assert not IdempotencyKey.objects.exists()

    post("receipt", warehouse, [(product, 5)])
    retry = send(clerk_api, url)
    assert retry.status_code == 200
    assert REPLAYED not in retry
    assert stock(warehouse, product) == 0


def test_a_refused_posting_is_recorded_as_it_is_without_a_key(clerk_api, warehouse, product):
    document = make_document("shipment", warehouse, [(product, 5)])
    assert send(clerk_api, f"/api/v1/documents/{document.pk}/post/").status_code == 409
    failure = PostingFailure.objects.get()
    assert (failure.document, failure.reason) == (document, "insufficient_stock")
    assert not IdempotencyKey.objects.exists()
    assert Document.objects.get(pk=document.pk).status == Status.DRAFT


def test_a_validation_error_leaves_no_key(clerk_api, warehouse, product):
    assert send(clerk_api, "/api/v1/documents/", draft(warehouse, product, 0)).status_code == 400
    assert not IdempotencyKey.objects.exists()
    assert send(clerk_api, "/api/v1/documents/", draft(warehouse, product, 1)).status_code == 201


def test_without_a_key_every_request_acts(clerk_api, warehouse, product):
    clerk_api.post("/api/v1/documents/", draft(warehouse, product))
    clerk_api.post("/api/v1/documents/", draft(warehouse, product))
    assert Document.objects.count() == 2
    assert not IdempotencyKey.objects.exists()


@pytest.mark.parametrize("key", ["", "x" * 256, "has space", "caf\u00e9"])
def test_a_malformed_key_is_a_400(clerk_api, warehouse, product, key):
    response = clerk_api.post(
        "/api/v1/documents/",
        draft(warehouse, product),
        format="json",
        headers={"Idempotency-Key": key},
    )
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["Idempotency-Key"]
    assert not Document.objects.exists()


def test_keys_are_kept_a_day_then_expire(clerk_api, warehouse, product):
    send(clerk_api, "/api/v1/documents/", draft(warehouse, product, quantity=5))
    record = IdempotencyKey.objects.get()

    record.created_at = timezone.now() - timedelta(hours=23, minutes=59)
    record.save()
    assert send(clerk_api, "/api/v1/documents/", draft(warehouse, product, 6)).status_code == 422

    record.created_at = timezone.now() - timedelta(hours=24, minutes=1)
    record.save()
    response = send(clerk_api, "/api/v1/documents/", draft(warehouse, product, quantity=6))
    assert response.status_code == 201
    assert Document.objects.count() == 2
    assert IdempotencyKey.objects.get().created_at > timezone.now() - timedelta(minutes=1)


def test_purge_deletes_only_expired_keys(clerk_api, warehouse, product, capsys):
    send(clerk_api, "/api/v1/documents/", draft(warehouse, product), key="old")
    send(clerk_api, "/api/v1/documents/", draft(warehouse, product), key="new")
    IdempotencyKey.objects.filter(key="old").update(created_at=timezone.now() - timedelta(hours=25))
    call_command("purge_idempotency_keys")
    assert "Deleted 1 idempotency keys" in capsys.readouterr().out
    assert list(IdempotencyKey.objects.values_list("key", flat=True)) == ["new"]


def test_a_key_whose_first_request_is_unfinished_is_a_409(clerk, clerk_api, warehouse, product):
    # Only reachable when the first request's row is visible before its response is stored.
    IdempotencyKey.objects.create(user=clerk, key="key-1", fingerprint="x")
    response = send(clerk_api, "/api/v1/documents/", draft(warehouse, product))
    assert response.status_code == 409
    assert response.json()["code"] == "key_in_flight"
    assert not Document.objects.exists()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_retry_while_the_first_request_is_in_flight_is_a_409_at_once_then_a_replay():
    manager = user_with(groups=["Warehouse manager"])
    first_client, retry_client = api_client(manager), api_client(manager)
    product, warehouse = ProductFactory(), WarehouseFactory()
    post("receipt", warehouse, [(product, 10)])
    document = make_document("shipment", warehouse, [(product, 4)])
    url = f"/api/v1/documents/{document.pk}/post/"
    first = []

    def call():
        try:
            first.append(send(first_client, url, key="same"))
        finally:
            connection.close()

    thread = threading.Thread(target=call)
    retried = []

    def retry():
        try:
            started = time.monotonic()
            retried.append((send(retry_client, url, key="same"), time.monotonic() - started))
        finally:
            connection.close()

    # Hold the document's row lock: the first request stops inside its transaction with the key
    # claimed. A retry with the same key must not wait for it.
    with transaction.atomic():
        Document.objects.select_for_update().get(pk=document.pk)
        thread.start()
        wait_for_lock_waits(1)
        retry_thread = threading.Thread(target=retry)
        retry_thread.start()
        retry_thread.join(timeout=10)
    thread.join(timeout=30)

    response, elapsed = retried[0]
    assert response.status_code == 409
    assert response.json()["code"] == "key_in_flight"
    assert response["Retry-After"] == "1"
    assert elapsed < 1
    assert first[0].status_code == 200
    replay = send(retry_client, url, key="same")
    assert replay.status_code == 200
    assert replay[REPLAYED] == "true"
    assert replay.json() == first[0].json()
    assert stock(warehouse, product) == 6
    assert StockMovement.objects.filter(document=document).count() == 1


def wait_for_lock_waits(count, timeout=10.0):
    deadline = time.monotonic() + timeout
    with connection.cursor() as cursor:
        while time.monotonic() < deadline:
            cursor.execute("SELECT count(*) FROM pg_locks WHERE NOT granted")
            if cursor.fetchone()[0] >= count:
                return
            time.sleep(0.02)
    raise AssertionError(f"fewer than {count} requests were waiting on a lock")
