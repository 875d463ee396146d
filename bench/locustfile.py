"""The deployment guide's load test, for a running WMS (gunicorn, never the test server).

docs/operations.md ("Load test") has the whole recipe: the server's settings, the data and the
token. In short, with the server on 127.0.0.1:8000:

    export WMS_API_TOKEN=...                                                     # a manager's
    .venv/bin/locust -f bench/locustfile.py --host http://127.0.0.1:8000 --headless \\
        -u 50 -r 10 -t 60s IntegratorUser ProbeUser                              # 60 s, 50 users

IntegratorUser drives the REST API the way a shop or scanner does (docs/api.md): it reads stock
and documents, and creates and posts receipts and shipments, each POST with an Idempotency-Key.
Shortages are expected and counted as successes (they are a 409 by design); the number of
documents posted and of shortages is printed at the end. It needs a token (WMS_API_TOKEN, from
`manage.py create_api_token`) of a user who may post, and a RATE_LIMIT_PER_MINUTE on the server
high enough for the load, since every simulated user comes from one address. ProbeUser is what a
load balancer and Prometheus add: /health, /healthz and /metrics.

Environment: WMS_API_TOKEN (required for IntegratorUser), WMS_WAREHOUSE and WMS_PRODUCTS
(ids, comma separated; by default the first active warehouse and up to 20 active products the
API lists). locust exits 1 when any request failed.
"""

import os
import random
import sys
import time
import uuid

from locust import HttpUser, between, events, task
from locust.runners import MasterRunner

API = "/api/v1"


class Postings:
    """What the postings of this process came to, for the line printed at the end of a run."""

    def __init__(self):
        self.started, self.posted, self.short = time.monotonic(), 0, 0


postings = Postings()


def _ids(name: str) -> list[int]:
    return [int(part) for part in os.environ.get(name, "").split(",") if part.strip()]


class IntegratorUser(HttpUser):
    wait_time = between(0.1, 0.5)

    def on_start(self):
        self.client.headers["Authorization"] = f"Token {os.environ['WMS_API_TOKEN']}"
        warehouses = _ids("WMS_WAREHOUSE") or self._first_active_ids("warehouses", 1)
        self.products = _ids("WMS_PRODUCTS") or self._first_active_ids("products", 20)
        if not (warehouses and self.products):
            raise RuntimeError(
                "No active warehouse or product to work with: load some first "
                "(`manage.py seed_demo`), or set WMS_WAREHOUSE and WMS_PRODUCTS."
            )
        self.warehouse = warehouses[0]

    def _first_active_ids(self, resource: str, n: int) -> list[int]:
        response = self.client.get(
            f"{API}/{resource}/?is_active=true&page_size={n}", name=f"{API}/{resource}/"
        )
        response.raise_for_status()
        return [row["id"] for row in response.json()["results"]]

    def _post(self, path: str, **kwargs):
        # What docs/api.md asks of every integrator: a key on every POST, so a retry is safe.
        return self.client.post(path, headers={"Idempotency-Key": str(uuid.uuid4())}, **kwargs)

    def _lines(self, quantity: int) -> list[dict]:
        products = random.sample(self.products, k=min(3, len(self.products)))
        return [{"product": p, "quantity": quantity} for p in products]

    def _create_and_post(self, doc_type: str, quantity: int):
        created = self._post(
            f"{API}/documents/",
            json={
                "doc_type": doc_type,
                "warehouse": self.warehouse,
                "lines": self._lines(quantity),
            },
            name=f"{API}/documents/ [{doc_type}]",
        )
        if created.status_code != 201:
            return
        with self._post(
            f"{API}/documents/{created.json()['id']}/post/",
            name=f"{API}/documents/[id]/post/ [{doc_type}]",
            catch_response=True,
        ) as posted:
            if posted.status_code == 200:
                postings.posted += 1
            elif posted.status_code == 409 and posted.json().get("code") == "insufficient_stock":
                postings.short += 1
                posted.success()

    @task(4)
    def read_stock(self):
        self.client.get(f"{API}/stock/?warehouse={self.warehouse}", name=f"{API}/stock/")

    @task(2)
    def read_documents(self):
        self.client.get(f"{API}/documents/?status=posted", name=f"{API}/documents/")

    @task(2)
    def receive(self):
        self._create_and_post("receipt", random.randint(5, 20))

    @task(2)
    def ship(self):
        self._create_and_post("shipment", random.randint(1, 5))


class ProbeUser(HttpUser):
    wait_time = between(0.5, 1.0)

    @task(5)
    def readiness(self):
        self.client.get("/health")

    @task(2)
    def liveness(self):
        self.client.get("/healthz")

    @task(1)
    def scrape(self):
        self.client.get("/metrics")


@events.init.add_listener
def _require_a_token(environment, **kwargs):
    """Refuse to start without the token, once, instead of failing every simulated user."""
    if IntegratorUser in environment.user_classes and not os.environ.get("WMS_API_TOKEN"):
        sys.exit(
            "IntegratorUser needs WMS_API_TOKEN: the API token of a user who may post "
            "(`manage.py create_api_token USERNAME`, see docs/operations.md)."
        )


@events.test_start.add_listener
def _start_counting(environment, **kwargs):
    global postings
    postings = Postings()


@events.test_stop.add_listener
def _report_postings(environment, **kwargs):
    if isinstance(environment.runner, MasterRunner):
        return  # distributed: each worker process reports its own postings
    seconds = time.monotonic() - postings.started
    print(
        f"Documents posted: {postings.posted} in {seconds:.0f} s "
        f"({postings.posted / seconds:.1f}/s); refused for a shortage: {postings.short}"
    )
