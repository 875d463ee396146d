"""The deployment guide's load test, for a running WMS (gunicorn, never the test server).

    locust -f bench/locustfile.py --host http://127.0.0.1:8000                  # web UI
    locust -f bench/locustfile.py --host http://127.0.0.1:8000 --headless \\
        -u 50 -r 10 -t 60s IntegratorUser ProbeUser                              # 60 s, 50 users

IntegratorUser drives the REST API the way a shop or scanner does: it reads stock and documents,
and creates and posts receipts and shipments (shortages are expected and counted as successes:
they are a 409 by design). It needs a token (WMS_API_TOKEN, from `manage.py create_api_token`)
of a user who may post, and a RATE_LIMIT_PER_MINUTE on the server high enough for the load,
since every simulated user comes from one address. ProbeUser is what a load balancer and
Prometheus add: /health, /healthz and /metrics.

Environment: WMS_API_TOKEN (required for IntegratorUser), WMS_WAREHOUSE and WMS_PRODUCTS
(ids, comma separated; by default the first warehouse and up to 20 products the API lists).
"""

import os
import random

from locust import HttpUser, between, events, task

API = "/api/v1"


def _ids(name: str) -> list[int]:
    return [int(part) for part in os.environ.get(name, "").split(",") if part.strip()]


class IntegratorUser(HttpUser):
    wait_time = between(0.1, 0.5)

    def on_start(self):
        token = os.environ.get("WMS_API_TOKEN")
        if not token:
            raise RuntimeError("IntegratorUser needs WMS_API_TOKEN")
        self.client.headers["Authorization"] = f"Token {token}"
        self.warehouse = (_ids("WMS_WAREHOUSE") or [self._first_ids("warehouses", 1)[0]])[0]
        self.products = _ids("WMS_PRODUCTS") or self._first_ids("products", 20)

    def _first_ids(self, resource: str, n: int) -> list[int]:
        response = self.client.get(f"{API}/{resource}/?page_size={n}", name=f"{API}/{resource}/")
        response.raise_for_status()
        return [row["id"] for row in response.json()["results"]]

    def _lines(self, quantity: int) -> list[dict]:
        products = random.sample(self.products, k=min(3, len(self.products)))
        return [{"product": p, "quantity": quantity} for p in products]

    def _create_and_post(self, doc_type: str, quantity: int):
        created = self.client.post(
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
        with self.client.post(
            f"{API}/documents/{created.json()['id']}/post/",
            name=f"{API}/documents/[id]/post/ [{doc_type}]",
            catch_response=True,
        ) as posted:
            if posted.status_code == 409 and posted.json().get("code") == "insufficient_stock":
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


@events.quitting.add_listener
def _fail_on_errors(environment, **kwargs):
    """A headless run exits 1 when any request failed (5xx, timeouts, refused connections)."""
    if environment.stats.total.num_failures:
        environment.process_exit_code = 1
