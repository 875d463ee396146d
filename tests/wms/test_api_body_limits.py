"""A body over the server's limit is a 413 JSON naming the limit; a document over the line cap
is refused before any line is validated."""

import json

import pytest
from django.conf import settings
from django.core.exceptions import RequestDataTooBig

from wms.views import bad_request

pytestmark = pytest.mark.django_db

LIMIT = settings.DATA_UPLOAD_MAX_MEMORY_SIZE


@pytest.mark.parametrize("url", ["/api/v1/documents/", "/api/v1/products/"])
def test_a_body_over_the_limit_is_a_413_json_with_the_limit(manager_api, url):
    body = json.dumps({"note": "x" * (LIMIT + 1)})
    response = manager_api.generic("POST", url, body, content_type="application/json")
    assert response.status_code == 413
    assert response["Content-Type"] == "application/json"
    assert response.json()["code"] == "body_too_large"
    assert f"at most {LIMIT} bytes (2.5 MiB)" in response.json()["detail"]


def test_what_django_refuses_before_a_view_is_json_under_the_api_only(rf):
    # handler400: e.g. a middleware that read a body over the limit.
    too_big = RequestDataTooBig("Request body exceeded settings.DATA_UPLOAD_MAX_MEMORY_SIZE.")
    response = bad_request(rf.post("/api/v1/products/"), too_big)
    assert response.status_code == 413
    assert json.loads(response.content)["code"] == "body_too_large"
    assert json.loads(bad_request(rf.get("/api/v1/"), ValueError()).content)["code"] == (
        "bad_request"
    )
    assert bad_request(rf.post("/admin/"), too_big)["Content-Type"].startswith("text/html")


def test_the_line_cap_is_checked_before_any_line(manager_api, warehouse):
    # Every line is invalid: had they been validated, their errors would be reported.
    lines = [{"product": "not a number", "quantity": 1.5}] * 60_000
    body = {"doc_type": "receipt", "warehouse": warehouse.pk, "lines": lines}
    response = manager_api.post("/api/v1/documents/", body, format="json")
    assert response.status_code == 400
    assert response.json()["errors"] == {
        "lines": ["Ensure this field has no more than 1000 elements."]
    }
