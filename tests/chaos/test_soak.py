"""Soak: random concurrent operations of every kind from 8 clients, then reconcile_stock clean,
nothing negative, no deadlock and no 5xx."""

import collections
import random
import threading

import pytest

from tests.chaos.conftest import reconcile, record
from tests.chaos.ops import new_product

CLIENTS = 8
SEED = 20261201


def soak(api, world, db, cluster, tmp_path, operations: int, name: str):
    products = [new_product(api) for _ in range(6)]
    w1, w2 = world["warehouses"]
    counts = collections.Counter()
    lock = threading.Lock()

    def note(kind, answer):
        with lock:
            counts[(kind, answer.status)] += 1
        return answer

    def lines(rng, low=1, high=20, signed=False):
        chosen = rng.sample(products, rng.randint(1, 3))
        return [
            {
                "product": p,
                "quantity": rng.choice([-1, 1]) * rng.randint(low, high)
                if signed
                else rng.randint(low, high),
            }
            for p in chosen
        ]

    def new_draft(rng):
        doc_type = rng.choices(
            ["receipt", "shipment", "transfer", "adjustment", "count"], [4, 4, 2, 1, 1]
        )[0]
        warehouse = rng.choice([w1, w2])
        body = {"doc_type": doc_type, "warehouse": warehouse}
        if doc_type == "transfer":
            body["destination_warehouse"] = w2 if warehouse == w1 else w1
        body["lines"] = (
            lines(rng, signed=True)
            if doc_type == "adjustment"
            else lines(rng, low=0, high=60)
            if doc_type == "count"
            else lines(rng)
        )
        return body

    def client(n: int, quota: int):
        rng = random.Random(SEED + n)
        drafts, posted = [], []
        for _ in range(quota):
            op = rng.choices(
                ["create", "edit", "post", "cancel", "delete", "read"], [5, 1, 5, 1, 1, 3]
            )[0]
            if op == "create" or (op in ("edit", "post", "delete") and not drafts):
                answer = note("create", api.post("/api/v1/documents/", new_draft(rng)))
                if answer.status == 201:
                    drafts.append((answer.body["id"], answer.body["doc_type"]))
            elif op == "edit":
                document, doc_type = rng.choice(drafts)
                body = {"note": f"edited {rng.random():.3f}"}
                if doc_type in ("receipt", "shipment", "transfer"):
                    body["lines"] = lines(rng)
                note("edit", api.call("PATCH", f"/api/v1/documents/{document}/", body))
            elif op == "post":
                document, doc_type = drafts.pop(rng.randrange(len(drafts)))
                answer = note("post", api.post(f"/api/v1/documents/{document}/post/"))
                if answer.status == 200:
                    posted.append(document)
                elif answer.status == 409:
                    drafts.append((document, doc_type))  # short of stock: stays a draft
            elif op == "cancel" and posted:
                document = posted.pop(rng.randrange(len(posted)))
                note("cancel", api.post(f"/api/v1/documents/{document}/cancel/"))
            elif op == "delete":
                document, _ = drafts.pop(rng.randrange(len(drafts)))
                note("delete", api.call("DELETE", f"/api/v1/documents/{document}/"))
            else:
                path = rng.choice(
                    [
                        "/api/v1/stock/",
                        "/api/v1/inventory/",
                        "/api/v1/movements/",
                        "/api/v1/documents/?status=posted",
                    ]
                )
                note("read", api.get(path))

    quota = operations // CLIENTS
    threads = [threading.Thread(target=client, args=(n, quota)) for n in range(CLIENTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=1800)
    total = sum(counts.values())
    failures = {k: v for k, v in counts.items() if k[1] is None or k[1] >= 500}
    negative = db.execute(
        "SELECT (SELECT count(*) FROM warehouse_inventory WHERE quantity < 0)"
        " + (SELECT count(*) FROM inventory WHERE quantity < 0)"
    ).fetchone()[0]
    deadlocks = cluster.log.read_text().count("deadlock detected")
    reconciled, output = reconcile(cluster, tmp_path)
    by_kind = collections.Counter()
    for (kind, status), count in counts.items():
        by_kind[f"{kind}_{status}"] += count
    record(
        name,
        operations=total,
        clients=CLIENTS,
        seed=SEED,
        server_errors_or_no_answer=sum(failures.values()),
        deadlocks=deadlocks,
        negative_rows=negative,
        reconcile_stock="clean" if reconciled == 0 else "MISMATCH",
        **dict(sorted(by_kind.items())),
    )
    assert total >= operations - CLIENTS
    assert failures == {}
    assert deadlocks == 0 and negative == 0
    assert reconciled == 0, output


def test_soak_of_1000_operations(server, manager, world, db, cluster, tmp_path):
    soak(manager, world, db, cluster, tmp_path, 1_000, "soak 1,000")


@pytest.mark.slow
def test_soak_of_10000_operations(server, manager, world, db, cluster, tmp_path):
    soak(manager, world, db, cluster, tmp_path, 10_000, "soak 10,000")
