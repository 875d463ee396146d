"""Webhook delivery throughput: events delivered per second by 1, 2 and 4 workers.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/wms_bench python bench/webhook_delivery.py

A receiver on 127.0.0.1 (an ephemeral port, in this process) answers every POST with 204 after
--delay seconds, like a real endpoint that does a little work. For each worker count, --events
events are written to the outbox for one subscription and that many worker processes, each
with its own connection, drain it with integrations.delivery.deliver_due; the run checks that
every event arrived exactly once. The receiver's delay bounds one worker at 1/delay a second,
so the figures show how far more workers scale past that, and what the claims cost.
"""

import argparse
import multiprocessing
import os
import sys
import threading
import time
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DB_POOL_SIZE", "1")
os.environ.setdefault("DB_MAX_OVERFLOW", "0")
os.environ.setdefault("LOG_LEVEL", "WARNING")
os.environ["WEBHOOK_ALLOW_PRIVATE_URLS"] = "True"  # the receiver is on loopback

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402

from integrations.delivery import deliver_due  # noqa: E402
from integrations.events import TEST_EVENT, event_record  # noqa: E402
from integrations.models import OutboxEvent, Subscription  # noqa: E402
from integrations.services import subscription_create  # noqa: E402


def receiver(delay: float, seen: Counter):
    lock = threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_POST(self):
            self.rfile.read(int(self.headers["Content-Length"]))
            with lock:
                seen[self.headers["webhook-id"]] += 1
            time.sleep(delay)
            self.send_response(204)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def worker(batch: int, start_at: float):
    connection.close()  # never the parent's connection
    time.sleep(max(0.0, start_at - time.time()))
    while deliver_due(limit=batch):
        pass
    connection.close()


def run(workers: int, events: int, batch: int, url: str, seen: Counter) -> float:
    OutboxEvent.objects.all().delete()
    Subscription.objects.all().delete()
    subscription = subscription_create(url=url, events=["document.posted"])
    for n in range(events):
        with transaction.atomic():
            event_record(
                event_type=TEST_EVENT, data=lambda n=n: {"n": n}, subscriptions=[subscription.pk]
            )
    seen.clear()
    connection.close()
    if getattr(connection, "pool", None) is not None:
        connection.close_pool()
    ctx = multiprocessing.get_context("fork")
    start_at = time.time() + 0.5
    processes = [ctx.Process(target=worker, args=(batch, start_at)) for _ in range(workers)]
    for process in processes:
        process.start()
    for process in processes:
        process.join()
    elapsed = time.time() - start_at
    twice = sum(1 for count in seen.values() if count > 1)
    assert len(seen) == events and twice == 0, (len(seen), twice)
    return events / elapsed


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=400)
    parser.add_argument("--delay", type=float, default=0.01, help="receiver's seconds per POST")
    parser.add_argument("--batch", type=int, default=20)
    parser.add_argument("--workers", default="1,2,4")
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    seen: Counter = Counter()
    server = receiver(args.delay, seen)
    url = f"http://127.0.0.1:{server.server_port}/bench"
    ceiling = f"{1 / args.delay:.0f}/s" if args.delay else "none"
    print(
        f"{args.events} events, receiver {args.delay * 1000:g} ms per POST (one worker's "
        f"ceiling from the receiver alone: {ceiling}), batch {args.batch}"
    )
    one = None
    for workers in (int(w) for w in args.workers.split(",")):
        rate = run(workers, args.events, args.batch, url, seen)
        one = one or rate
        print(f"  {workers} worker(s): {rate:7.1f} deliveries/s  x{rate / one:.2f}, each once")
    server.shutdown()


if __name__ == "__main__":
    main()
