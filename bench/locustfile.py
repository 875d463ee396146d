"""The deployment guide's load test, for a running WMS (gunicorn, never the test server).

`make load-test` (bench/load_test.py) runs it the documented way: a database of its own, gunicorn
with the production settings, five minutes headless, locust's CSVs, then the checks and the
chart. By hand, with the server on 127.0.0.1:8000 (docs/operations.md, "Load test"):

    export WMS_API_TOKEN=... WMS_STAFF_USER=... WMS_STAFF_PASSWORD=...
    .venv/bin/locust -f bench/locustfile.py --host http://127.0.0.1:8000 --headless \\
        -u 40 -r 10 -t 60s

The mix, each class with the weight of how many such users there are:
  IntegratorUser  a shop or ERP (docs/api.md): creates and posts receipts and shipments, and
                  reserves shipments then posts them; every POST with an Idempotency-Key
  ScannerUser     a handheld: resolves product and location codes (/scan/) and looks a
                  product's stock up in its warehouse
  StaffUser       the office: document and movement lists, stock as of an hour ago, and the
                  admin's start page with its dashboard (a session login)
  ProbeUser       the load balancer and Prometheus: /health, /healthz, /metrics
Shortages are expected and counted as successes (a 409 by design). Each posting answered 200 is
written to $WMS_ACKNOWLEDGED (one document id a line), so that the run can be checked against
the database afterwards. Environment: WMS_API_TOKEN (required), WMS_STAFF_USER and
WMS_STAFF_PASSWORD (StaffUser's admin login), WMS_WAREHOUSE and WMS_PRODUCTS (ids, comma
separated; by default the first active warehouse and up to 20 active untracked products).
locust exits 1 when any request failed.
"""

import os
import random
import re
import sys
import time
import uuid
from datetime import UTC, datetime, timedelta

from locust import HttpUser, between, events, task
from locust.runners import MasterRunner

API = "/api/v1"


class Postings:
    """What the postings of this process came to, for the line printed at the end of a run."""

    def __init__(self):
        self.started, self.posted, self.short, self.acknowledged = time.monotonic(), 0, 0, []


postings = Postings()


def _ids(name: str) -> list[int]:
    return [int(part) for part in os.environ.get(name, "").split(",") if part.strip()]


class ApiUser(HttpUser):
    abstract = True

    def on_start(self):
        self.client.headers["Authorization"] = f"Token {os.environ['WMS_API_TOKEN']}"
        warehouses = _ids("WMS_WAREHOUSE") or self._first_active_ids("warehouses", 1)
        # Untracked products: a lot or serial product needs a lot on each line.
        self.products = _ids("WMS_PRODUCTS") or self._first_active_ids(
            "products", 20, tracking="none"
        )
        if not (warehouses and self.products):
            raise RuntimeError(
                "No active warehouse or product to work with: load some first "
                "(`manage.py seed_demo`), or set WMS_WAREHOUSE and WMS_PRODUCTS."
            )
        self.warehouse = warehouses[0]

    def _first_active_ids(self, resource: str, n: int, **matching) -> list[int]:
        response = self.client.get(
            f"{API}/{resource}/?is_active=true&page_size=100", name=f"{API}/{resource}/"
        )
        response.raise_for_status()
        rows = response.json()["results"]
        return [r["id"] for r in rows if all(r.get(k) == v for k, v in matching.items())][:n]

    def _post(self, path: str, **kwargs):
        # What docs/api.md asks of every integrator: a key on every POST, so a retry is safe.
        return self.client.post(path, headers={"Idempotency-Key": str(uuid.uuid4())}, **kwargs)


class IntegratorUser(ApiUser):
    weight = 4
    wait_time = between(0.1, 0.5)

    def _lines(self, quantity: int) -> list[dict]:
        products = random.sample(self.products, k=min(3, len(self.products)))
        return [{"product": p, "quantity": quantity} for p in products]

    def _create(self, doc_type: str, quantity: int) -> int | None:
        body = {"doc_type": doc_type, "warehouse": self.warehouse, "lines": self._lines(quantity)}
        created = self._post(f"{API}/documents/", json=body, name=f"{API}/documents/ [create]")
        return created.json()["id"] if created.status_code == 201 else None

    def _post_document(self, document_id: int, doc_type: str):
        with self._post(
            f"{API}/documents/{document_id}/post/",
            name=f"{API}/documents/[id]/post/ [{doc_type}]",
            catch_response=True,
        ) as posted:
            if posted.status_code == 200:
                postings.posted += 1
                postings.acknowledged.append(document_id)
            elif posted.status_code == 409 and posted.json().get("code") == "insufficient_stock":
                postings.short += 1
                posted.success()

    @task(3)
    def receive(self):
        if (document_id := self._create("receipt", random.randint(5, 20))) is not None:
            self._post_document(document_id, "receipt")

    @task(3)
    def ship(self):
        if (document_id := self._create("shipment", random.randint(1, 5))) is not None:
            self._post_document(document_id, "shipment")

    @task(1)
    def reserve_then_ship(self):
        document_id = self._create("shipment", random.randint(1, 3))
        if document_id is None:
            return
        with self._post(
            f"{API}/documents/{document_id}/reserve/",
            name=f"{API}/documents/[id]/reserve/",
            catch_response=True,
        ) as reserved:
            if reserved.status_code == 409 and reserved.json().get("code") == "insufficient_stock":
                reserved.success()
                return
        self._post_document(document_id, "reserved shipment")


class ScannerUser(ApiUser):
    weight = 3
    wait_time = between(0.2, 1.0)

    def on_start(self):
        super().on_start()
        products = self.client.get(f"{API}/products/?page_size=50", name=f"{API}/products/")
        locations = self.client.get(
            f"{API}/locations/?warehouse={self.warehouse}&page_size=50", name=f"{API}/locations/"
        )
        self.codes = [p["barcode"] or p["sku"] for p in products.json()["results"]]
        self.codes += [loc["barcode"] or loc["path"] for loc in locations.json()["results"]]

    @task(3)
    def scan(self):
        code = random.choice(self.codes)
        self.client.get(
            f"{API}/scan/",
            params={"code": code, "warehouse": self.warehouse},
            name=f"{API}/scan/",
        )

    @task(2)
    def stock_of_a_product(self):
        self.client.get(
            f"{API}/stock/?warehouse={self.warehouse}&product={random.choice(self.products)}",
            name=f"{API}/stock/ [warehouse, product]",
        )


class StaffUser(ApiUser):
    weight = 2
    wait_time = between(1, 3)

    def on_start(self):
        super().on_start()
        user, password = os.environ.get("WMS_STAFF_USER"), os.environ.get("WMS_STAFF_PASSWORD")
        self.admin = bool(user and password)
        if self.admin:
            page = self.client.get("/admin/login/", name="/admin/login/")
            token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
            self.client.post(
                "/admin/login/?next=/admin/",
                data={"username": user, "password": password, "csrfmiddlewaretoken": token},
                headers={"Referer": f"{self.host}/admin/login/"},
                name="/admin/login/",
            )

    @task(3)
    def documents(self):
        self.client.get(f"{API}/documents/?status=posted", name=f"{API}/documents/")

    @task(2)
    def movements(self):
        self.client.get(f"{API}/movements/?warehouse={self.warehouse}", name=f"{API}/movements/")

    @task(2)
    def stock_as_of(self):
        an_hour_ago = (datetime.now(UTC) - timedelta(hours=1)).isoformat()
        self.client.get(
            f"{API}/stock/",
            params={"product": random.choice(self.products), "as_of": an_hour_ago},
            name=f"{API}/stock/ [as_of]",
        )

    @task(1)
    def dashboard(self):
        if self.admin:
            self.client.get("/admin/", name="/admin/ [dashboard]")


class ProbeUser(HttpUser):
    weight = 1
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
    api_users = {IntegratorUser, ScannerUser, StaffUser}
    if api_users & set(environment.user_classes) and not os.environ.get("WMS_API_TOKEN"):
        sys.exit(
            "The API users need WMS_API_TOKEN: the API token of a user who may post "
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
    if path := os.environ.get("WMS_ACKNOWLEDGED"):
        with open(path, "a") as out:
            out.writelines(f"{document_id}\n" for document_id in postings.acknowledged)
