"""What the audit trail costs a posting: throughput with it and without it, alternated.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/wms_bench python bench/audit_cost.py

Runs post_throughput's service clients (create + post of 10-line shipments) in short rounds,
alternating "audit on" (as deployed) and "audit off" (the audit triggers disabled and no
context sent), so that a busy machine's drift hits both alike; prints docs/s of each round and
the ratio of the medians. Also prints the round trips of one posting of 1, 10 and 50 lines
with the trail on (constant in lines: one set_config per transaction, rows written by triggers).
"""

import argparse
import statistics

from django.db import connection  # noqa: E402
from django.db.backends.signals import connection_created  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django_setup import ROOT  # noqa: E402, F401 - sets Django up
from post_throughput import run_service, set_up  # noqa: E402

from audit import connection as audit_connection  # noqa: E402
from audit.registry import AUDITED  # noqa: E402
from documents.services import LineInput, document_create, document_post  # noqa: E402


def audit(on: bool) -> None:
    verb = "ENABLE" if on else "DISABLE"
    tables = set(connection.introspection.table_names())
    with connection.cursor() as cursor:
        for entry in AUDITED:
            if entry.table in tables:
                cursor.execute(f'ALTER TABLE "{entry.table}" {verb} TRIGGER audit_record')
    if on:
        connection_created.connect(audit_connection.install, dispatch_uid="audit-context")
    else:
        connection_created.disconnect(dispatch_uid="audit-context")
    if audit_connection.audit_context_wrapper in connection.execute_wrappers:
        connection.execute_wrappers.remove(audit_connection.audit_context_wrapper)


def round_trips(warehouses, products) -> dict[int, int]:
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
    parser.add_argument("--clients", type=int, default=2)
    parser.add_argument("--seconds", type=int, default=5)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--mode", default="uniform", choices=["uniform", "hot"])
    args = parser.parse_args()
    warehouses, products = set_up()
    connection.ensure_connection()
    audit_connection.install(None, connection)
    print("round trips of one posting, audit on:", round_trips(warehouses, products))
    results = {True: [], False: []}
    try:
        for number in range(args.rounds):
            # Each order in turn, so that what runs first (fresh caches) favours neither.
            for on in (True, False) if number % 2 == 0 else (False, True):
                audit(on)
                rate = run_service(args.mode, args.clients, args.seconds, warehouses, products)
                results[on].append(rate)
                print(f"audit {'on ' if on else 'off'}: {rate:7.1f} docs/s")
    finally:
        audit(True)
    on, off = statistics.median(results[True]), statistics.median(results[False])
    print(f"median docs/s: on {on:.1f}, off {off:.1f}; on/off = {on / off:.1%}")


if __name__ == "__main__":
    main()
