"""Many clients racing for the last units: exactly as many postings as there are units."""

import threading
from concurrent.futures import ThreadPoolExecutor

from tests.chaos.conftest import reconcile, record
from tests.chaos.ops import draft, new_product, post_document, receive, stock_of

UNITS = 10
CLIENTS = 24


def test_racing_for_the_last_units_never_oversells(manager, world, db, cluster, tmp_path):
    warehouse = world["warehouses"][0]
    product = new_product(manager)
    receive(manager, warehouse, [(product, UNITS)])
    shipments = [draft(manager, "shipment", warehouse, [(product, 1)]) for _ in range(CLIENTS)]
    start = threading.Barrier(CLIENTS)

    def race(document):
        start.wait()
        return post_document(manager, document)

    with ThreadPoolExecutor(CLIENTS) as pool:
        answers = list(pool.map(race, shipments))

    statuses = [a.status for a in answers]
    refused = [a for a in answers if a.status == 409]
    record(
        "oversell race",
        clients=CLIENTS,
        units=UNITS,
        posted=statuses.count(200),
        refused_409=len(refused),
        other=len(answers) - statuses.count(200) - len(refused),
    )
    assert statuses.count(200) == UNITS
    assert len(refused) == CLIENTS - UNITS
    assert {a.body["code"] for a in refused} == {"insufficient_stock"}
    assert stock_of(db, warehouse, product) == 0
    assert reconcile(cluster, tmp_path)[0] == 0
