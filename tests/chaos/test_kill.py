"""kill -9 of workers and of the master during posting load: every acknowledged posting is
there whole, none is half there, and a retry with the same Idempotency-Key applies once."""

import os
import queue
import random
import signal
import socket
import threading
import time

from tests.chaos.conftest import reconcile, record
from tests.chaos.ops import document_state, draft, new_product, post_document, stock_of

DOCUMENTS = 60
LINES = 3
CLIENTS = 4


def load(api, documents) -> dict[int, object]:
    """Post every document once from CLIENTS threads, each with its own Idempotency-Key."""
    todo = queue.Queue()
    for document in documents:
        todo.put(document)
    answers = {}

    def client():
        while True:
            try:
                document = todo.get_nowait()
            except queue.Empty:
                return
            answers[document] = post_document(api, document, key=f"post-{document}", timeout=20)

    threads = [threading.Thread(target=client) for _ in range(CLIENTS)]
    for thread in threads:
        thread.start()
    return answers, threads


def drafts(api, warehouse, products):
    return [draft(api, "receipt", warehouse, [(p, 1) for p in products]) for _ in range(DOCUMENTS)]


def check_whole_and_retry(api, db, documents, answers, warehouse, products) -> dict:
    acknowledged = [d for d in documents if answers[d].status == 200]
    half = 0
    for document in documents:
        status, lines, movements = document_state(db, document)
        if document in acknowledged:
            assert (status, movements) == ("posted", lines), document
        elif (status, movements) not in (("posted", lines), ("draft", 0)):
            half += 1
    assert half == 0
    unanswered = [d for d in documents if d not in acknowledged]
    retried = {d: post_document(api, d, key=f"post-{d}") for d in unanswered}
    assert all(a.status == 200 for a in retried.values()), retried
    # And once more for an acknowledged one: replayed, not applied again.
    replay = post_document(api, acknowledged[0], key=f"post-{acknowledged[0]}")
    assert replay.status == 200 and replay.headers.get("idempotent-replayed") == "true"
    final = [document_state(db, document) for document in documents]
    applied_twice = sum(movements > lines for _, lines, movements in final)
    assert applied_twice == 0
    assert all((status, movements) == ("posted", lines) for status, lines, movements in final)
    for product in products:
        assert stock_of(db, warehouse, product) == DOCUMENTS
    return {
        "documents": len(documents),
        "acknowledged": len(acknowledged),
        "unanswered_then_retried": len(unanswered),
        "half_posted": half,
        "applied_twice": applied_twice,
    }


def test_kill_9_of_workers_under_posting_load(server, manager, world, db, cluster, tmp_path):
    warehouse = world["warehouses"][0]
    products = [new_product(manager) for _ in range(LINES)]
    documents = drafts(manager, warehouse, products)
    answers, threads = load(manager, documents)
    killed = 0
    while any(t.is_alive() for t in threads) and killed < 4:
        time.sleep(0.4)
        workers = server.worker_pids()
        if workers:
            os.kill(random.choice(workers), signal.SIGKILL)
            killed += 1
    for thread in threads:
        thread.join(timeout=120)
    figures = check_whole_and_retry(manager, db, documents, answers, warehouse, products)
    record("kill -9 of workers", workers_killed=killed, **figures)
    assert killed >= 1
    assert reconcile(cluster, tmp_path)[0] == 0


def test_kill_9_of_the_master_under_posting_load(server, manager, world, db, cluster, tmp_path):
    warehouse = world["warehouses"][0]
    products = [new_product(manager) for _ in range(LINES)]
    documents = drafts(manager, warehouse, products)
    workers = server.worker_pids()
    answers, threads = load(manager, documents)
    time.sleep(0.8)
    server.process.send_signal(signal.SIGKILL)
    server.process.wait()
    for thread in threads:
        thread.join(timeout=120)
    # The workers died with their master: nothing holds the port, a new gunicorn takes it.
    deadline = time.monotonic() + 5
    while any(os.path.exists(f"/proc/{pid}") for pid in workers) and time.monotonic() < deadline:
        time.sleep(0.05)
    orphans = [pid for pid in workers if os.path.exists(f"/proc/{pid}")]
    with socket.socket() as probe:
        listening = probe.connect_ex(("127.0.0.1", server.port)) == 0
    server.start()
    figures = check_whole_and_retry(manager, db, documents, answers, warehouse, products)
    record("kill -9 of the master", orphaned_workers=len(orphans), **figures)
    assert orphans == [] and not listening
    assert reconcile(cluster, tmp_path)[0] == 0
