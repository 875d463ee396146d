"""What the audit trail costs a posting: throughput with it and without it, alternated.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/wms_bench python bench/audit_cost.py
    python bench/audit_cost.py --model inproc-create --clients 1 --lines 10 --seconds 10 --rounds 4

Runs post_throughput's in-process clients (``inproc-post``: document_post() of pre-made drafts,
or ``inproc-create``: create + post) in short rounds, alternating "audit on" (as deployed) and
"audit off" (the audit_record triggers disabled and no context sent), ABBA, so that a busy
machine's drift hits both alike (drafts are made with the trail off, then a CHECKPOINT, before
every round); prints docs/s of each round and the ratio of the medians. First
it prints the statements of one posting of 1, 10 and 50 lines with the trail on and off (the
difference is the one set_config per transaction; the rows are written by triggers inside the
statements that change the audited tables).
"""

from django_setup import ROOT  # noqa: F401  isort: skip - sets Django up first

import argparse
import random
import statistics

import post_setup
from django.db import connection
from django.db.backends.signals import connection_created
from django.test.utils import CaptureQueriesContext
from post_throughput import DRAFT_RATE, run_clients

from audit import connection as audit_connection
from audit.registry import AUDITED
from documents.services import LineInput, document_create, document_post


def audit(on: bool) -> None:
    verb = "ENABLE" if on else "DISABLE"
    tables = set(connection.introspection.table_names())
    with connection.cursor() as cursor:
        for entry in AUDITED:
            if entry.table in tables:
                cursor.execute(f'ALTER TABLE "{entry.table}" {verb} TRIGGER audit_record')
    # The forked clients open their own connections: the receiver decides whether they send
    # the context; the wrapper list is the parent's, copied into each child.
    if on:
        connection_created.connect(audit_connection.install, dispatch_uid="audit-context")
        audit_connection.install(None, connection)
    else:
        connection_created.disconnect(dispatch_uid="audit-context")
        if audit_connection.audit_context_wrapper in connection.execute_wrappers:
            connection.execute_wrappers.remove(audit_connection.audit_context_wrapper)


def statements(warehouses, products) -> dict[int, int]:
    counts = {}
    for size in (1, 10, 50):
        lines = [LineInput(p, 1) for p in products[:size]]
        document = document_create(doc_type="shipment", warehouse_id=warehouses[0], lines=lines)
        with CaptureQueriesContext(connection) as queries:
            document_post(document_id=document.pk)
        counts[size] = len(queries)
    return counts


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--model", default="inproc-post", choices=["inproc-post", "inproc-create"])
    parser.add_argument("--clients", type=int, default=2)
    parser.add_argument("--lines", type=int, default=10)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=4, help="pairs of rounds (on, off)")
    parser.add_argument("--spread", default="uniform", choices=["uniform", "hot"])
    args = parser.parse_args()
    warehouses, products = post_setup.set_up()
    connection.ensure_connection()
    results = {True: [], False: []}
    rng = random.Random(1)
    try:
        for on in (True, False):
            audit(on)
            print(f"statements of one posting, audit {'on' if on else 'off'}:", end=" ")
            print(statements(warehouses, products))
        shape = (args.spread, args.lines, warehouses, products)
        for number in range(args.rounds):
            # ABBA: each order in turn, so that what runs first favours neither.
            for on in (True, False) if number % 2 == 0 else (False, True):
                job = {"model": args.model, "seconds": args.seconds, "shape": shape}
                if args.model == "inproc-post":
                    # Drafts are made with the trail off in every round: their audit rows (and
                    # the vacuum and checkpoint work they cause) are not the posting's cost.
                    audit(False)
                    count = DRAFT_RATE.get(args.lines, 300) * args.seconds
                    job["drafts"] = post_setup.make_drafts(
                        count, args.lines, args.spread, warehouses, products, rng
                    )
                    with connection.cursor() as cursor:
                        cursor.execute("CHECKPOINT")
                audit(on)
                result = run_clients(job, args.clients)
                results[on].append(result["docs_per_s"])
                print(
                    f"audit {'on ' if on else 'off'}: {result['docs_per_s']:7.1f} docs/s"
                    f"  p50 {result['p50_ms']:.1f} ms  p99 {result['p99_ms']:.1f} ms"
                )
    finally:
        connection.ensure_connection()
        audit(True)
    on, off = statistics.median(results[True]), statistics.median(results[False])
    print(f"median docs/s: on {on:.1f}, off {off:.1f}; on/off = {on / off:.1%}")


if __name__ == "__main__":
    main()
