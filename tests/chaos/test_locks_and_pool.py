"""A stock row held locked by another session, and an exhausted pool: both answered in JSON
within their budget, never a wait until gunicorn kills the worker."""

import threading
from concurrent.futures import ThreadPoolExecutor

import psycopg

from tests.chaos.client import Api
from tests.chaos.conftest import DATABASE, record
from tests.chaos.ops import draft, new_product, post_document, receive

LOCK_TIMEOUT = 3  # the default DB_LOCK_TIMEOUT


def lock_stock_row(cluster, warehouse, product):
    session = psycopg.connect(cluster.url(DATABASE))
    session.execute(
        "SELECT quantity FROM warehouse_inventory WHERE warehouse_id = %s AND product_id = %s"
        " FOR UPDATE",
        (warehouse, product),
    )
    return session


def test_a_posting_on_a_locked_stock_row_answers_within_the_lock_budget(
    server, manager, world, cluster
):
    warehouse = world["warehouses"][0]
    product = new_product(manager)
    receive(manager, warehouse, [(product, 5)])
    shipment = draft(manager, "shipment", warehouse, [(product, 2)])
    session = lock_stock_row(cluster, warehouse, product)
    try:
        answer = post_document(manager, shipment)
    finally:
        session.close()
    retried = post_document(manager, shipment)
    record(
        "locked stock row",
        status=answer.status,
        code=answer.body["code"],
        answered_after_s=round(answer.elapsed, 2),
        lock_budget_s=LOCK_TIMEOUT,
        retry_after=answer.headers.get("retry-after"),
        retry_once_released=retried.status,
    )
    assert (answer.status, answer.body["code"]) == (409, "locked")
    assert answer.is_json and answer.headers["retry-after"] == "1"
    assert LOCK_TIMEOUT <= answer.elapsed < LOCK_TIMEOUT + 1.5
    assert retried.status == 200


def test_an_exhausted_pool_is_a_503_after_the_pool_timeout(start_server, world, cluster):
    # One worker with 4 threads sharing a pool of one connection, which a posting holds while it
    # waits on a locked row: the other three wait DB_POOL_TIMEOUT for it, then get 503.
    server = start_server(
        workers=1,
        extra_args=("--threads", "4"),
        DB_POOL_SIZE="1",
        DB_MAX_OVERFLOW="0",
        DB_POOL_TIMEOUT="2",
    )
    manager = Api(server.url, world["manager"])
    warehouse = world["warehouses"][0]
    product = new_product(manager)
    receive(manager, warehouse, [(product, 10)])
    shipments = [draft(manager, "shipment", warehouse, [(product, 1)]) for _ in range(4)]
    session = lock_stock_row(cluster, warehouse, product)
    start = threading.Barrier(4)

    def post(document):
        start.wait()
        return post_document(manager, document)

    try:
        with ThreadPoolExecutor(4) as pool:
            answers = list(pool.map(post, shipments))
    finally:
        session.close()
    busy = [a for a in answers if a.status == 503]
    record(
        "pool exhaustion",
        pool_size=1,
        pool_timeout_s=2,
        concurrent_requests=4,
        answered_503=len(busy),
        answered_409_locked=sum(a.status == 409 for a in answers),
        slowest_s=round(max(a.elapsed for a in answers), 2),
    )
    assert busy, [a.status for a in answers]
    for answer in busy:
        assert answer.body == {
            "detail": "All database connections are busy. Retry shortly.",
            "code": "database_unavailable",
        }
        assert answer.headers["retry-after"] == "5"
        assert 2 <= answer.elapsed < 4
    assert all(a.status in (409, 503) and a.is_json for a in answers)
