"""The OpenAPI schema: generated without a single warning, valid, and served with its docs."""

import pytest
import yaml
from django.core.management import call_command

pytestmark = pytest.mark.django_db


def test_the_schema_generates_without_warnings_and_validates(tmp_path):
    target = tmp_path / "schema.yaml"
    # --fail-on-warn turns any warning (an unannotated view, a guessed type) into an error.
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(target))
    schema = yaml.safe_load(target.read_text())
    assert set(schema["paths"]) == {
        "/api/v1/products/",
        "/api/v1/products/{id}/",
        "/api/v1/packagings/",
        "/api/v1/packagings/{id}/",
        "/api/v1/warehouses/",
        "/api/v1/warehouses/{id}/",
        "/api/v1/locations/",
        "/api/v1/locations/{id}/",
        "/api/v1/lots/",
        "/api/v1/lots/{id}/",
        "/api/v1/quants/",
        "/api/v1/quants/{id}/",
        "/api/v1/stock/",
        "/api/v1/stock/{id}/",
        "/api/v1/inventory/",
        "/api/v1/inventory/{product}/",
        "/api/v1/movements/",
        "/api/v1/movements/{id}/",
        "/api/v1/documents/",
        "/api/v1/documents/{id}/",
        "/api/v1/documents/{id}/post/",
        "/api/v1/documents/{id}/cancel/",
        "/api/v1/webhooks/",
        "/api/v1/webhooks/{id}/",
        "/api/v1/webhooks/{id}/rotate-secret/",
        "/api/v1/webhooks/{id}/test/",
        "/api/v1/webhooks/{id}/deliveries/",
        "/api/v1/scan/",
        "/api/v1/reorder-points/",
        "/api/v1/reorder-points/{id}/",
        "/api/v1/documents/{id}/reserve/",
        "/api/v1/documents/{id}/unreserve/",
        "/api/v1/documents/{id}/returnable/",
        "/api/v1/pick-lists/",
        "/api/v1/pick-lists/{id}/",
        "/api/v1/audit/",
        "/api/v1/audit/{id}/",
        "/api/v1/audit/export/",
        "/api/v1/documents/start-count/",
        "/api/v1/documents/replenish/",
    }


def test_every_operation_documents_its_errors(client):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            codes = set(operation["responses"])
            assert {"401", "403", "429", "503"} <= codes, (method, path)
            if method == "post":
                names = {p["name"] for p in operation.get("parameters", [])}
                assert "Idempotency-Key" in names, path
                assert {"400", "422"} <= codes, path
            if "{" in path:
                assert "404" in codes, (method, path)


def test_the_shortage_body_is_described(client):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    post = schema["paths"]["/api/v1/documents/{id}/post/"]["post"]
    conflict = post["responses"]["409"]["content"]["application/json"]["schema"]["$ref"]
    body = schema["components"]["schemas"][conflict.rsplit("/", 1)[-1]]
    shortage = body["properties"]["shortages"]["items"]["$ref"].rsplit("/", 1)[-1]
    assert set(schema["components"]["schemas"][shortage]["properties"]) == {
        "product",
        "warehouse",
        "requested",
        "available",
    }


def test_swagger_ui_is_served_from_this_server(client):
    response = client.get("/api/docs/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "swagger-ui" in page
    assert "cdn." not in page
