"""GET /api/v1/audit/: auditors only, newest first, keyset pages, filters, CSV and JSON lines."""

import csv
import io
import json

import pytest

from audit.models import AuditEvent
from tests.factories import ProductFactory
from tests.oauth2 import bearer, create_client
from tests.support.users import api_client, user_with

URL = "/api/v1/audit/"
FIELDS = [
    "id",
    "created_at",
    "action",
    "model",
    "object_id",
    "actor",
    "via",
    "request_id",
    "changes",
]


@pytest.fixture
def auditor(db):
    return user_with(groups=["Auditor"])


@pytest.fixture
def auditor_api(auditor):
    return api_client(auditor)


def test_anonymous_is_401_and_others_403(db):
    assert api_client().get(URL).status_code == 401
    viewer = user_with(perms=["inventory.view_product", "audit.view_auditevent"])
    refused = api_client(viewer).get(URL)
    assert refused.status_code == 403
    assert "audit.read_audit" in refused.json()["detail"]


def test_entries_newest_first_with_their_fields(auditor_api):
    first, second = ProductFactory(), ProductFactory()
    body = auditor_api.get(URL, {"model": "product"}).json()
    rows = body["results"]
    assert [r["object_id"] for r in rows[:2]] == [str(second.pk), str(first.pk)]
    assert list(rows[0]) == FIELDS
    assert rows[0]["action"] == "create"
    assert rows[0]["changes"]["sku"] == [None, second.sku]


def test_keyset_pages_walk_everything_once(auditor_api):
    for _ in range(5):
        ProductFactory()
    seen, url, params = [], URL, {"model": "product", "page_size": 2}
    while url:
        body = auditor_api.get(url, params).json()
        assert "count" not in body
        seen += [row["id"] for row in body["results"]]
        url, params = body["next"], None
    expected = list(AuditEvent.objects.filter(model="product").values_list("id", flat=True))
    assert seen == sorted(expected, reverse=True)


def test_filters(auditor_api, auditor):
    product = ProductFactory()
    ProductFactory()
    editor = user_with(perms=["inventory.change_product"])
    api_client(editor).patch(f"/api/v1/products/{product.pk}/", {"name": "Renamed"})
    by_object = auditor_api.get(URL, {"model": "product", "object_id": product.pk}).json()
    assert {r["object_id"] for r in by_object["results"]} == {str(product.pk)}
    by_actor = auditor_api.get(URL, {"actor": editor.username, "action": "update"}).json()
    assert [r["changes"]["name"][1] for r in by_actor["results"]] == ["Renamed"]
    assert auditor_api.get(URL, {"via": "api", "model": "product"}).json()["results"]
    newest = AuditEvent.objects.latest("id").created_at.isoformat()
    after = auditor_api.get(URL, {"created_after": newest}).json()["results"]
    assert all(r["created_at"] >= newest[:19] for r in after)
    assert auditor_api.get(URL, {"created_before": "not a date"}).status_code == 400


def test_oauth_clients_need_the_audit_scope(db):
    owner = user_with(groups=["Auditor"])
    reader = bearer(create_client(owner, scopes="read", name="reader"))
    assert reader.get(URL).status_code == 403
    auditing = bearer(create_client(owner, scopes="read,audit", name="siem"))
    assert auditing.get(URL).status_code == 200


def test_export_as_csv_and_json_lines(auditor_api):
    ProductFactory(name='=HYPERLINK("http://evil")')
    text = b"".join(auditor_api.get(URL + "export/", {"as": "csv", "model": "product"})).decode()
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == FIELDS
    assert json.loads(rows[1][-1])["name"][1].startswith("=HYPERLINK")  # inside JSON: inert
    response = auditor_api.get(URL + "export/", {"as": "jsonl", "model": "product"})
    assert response["Content-Type"].startswith("application/jsonl")
    lines = [json.loads(line) for line in b"".join(response.streaming_content).splitlines()]
    assert list(lines[0]) == FIELDS and lines[0]["model"] == "product"
    assert auditor_api.get(URL + "export/", {"as": "xlsx"}).status_code == 400


def test_export_needs_the_same_permission(db):
    viewer = user_with(perms=["inventory.view_product"])
    assert api_client(viewer).get(URL + "export/", {"as": "csv"}).status_code == 403
