"""Every API error is JSON with a human detail and a stable code."""

import pytest
from django.db import OperationalError

from wms.api_errors import exception_handler

pytestmark = pytest.mark.django_db


def test_an_unknown_api_path_is_a_json_404(clerk_api):
    response = clerk_api.get("/api/v1/nothing-here/")
    assert response.status_code == 404
    assert response.json() == {"detail": "Not found.", "code": "not_found"}


def test_an_unknown_path_is_a_404_even_for_strangers(client):
    response = client.post("/api/v2/whatever")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_a_missing_trailing_slash_is_a_404_that_says_so(clerk_api):
    response = clerk_api.post("/api/v1/products", {"sku": "A", "name": "A"})
    assert response.status_code == 404
    assert response.json() == {
        "detail": "Not found. API paths end with a slash: /api/v1/products/",
        "code": "not_found",
    }


def test_method_not_allowed(clerk_api):
    response = clerk_api.delete("/api/v1/documents/")
    assert response.status_code == 405
    assert response.json() == {
        "detail": 'Method "DELETE" not allowed.',
        "code": "method_not_allowed",
    }


def test_a_body_that_is_not_json_is_refused(manager_api):
    response = manager_api.post("/api/v1/products/", "sku=A", content_type="text/plain")
    assert response.status_code == 415
    assert response.json()["code"] == "unsupported_media_type"


def test_a_json_body_that_is_not_an_object_is_a_400(manager_api):
    response = manager_api.post("/api/v1/products/", [1, 2])
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    assert body["errors"] == {
        "non_field_errors": ["Invalid data. Expected a dictionary, but got list."]
    }
    assert body["detail"] == "Invalid input. Invalid data. Expected a dictionary, but got list."


def test_a_nul_character_is_a_400_not_a_database_error(manager_api):
    response = manager_api.post("/api/v1/products/", {"sku": "A\x00", "name": "A"})
    assert response.status_code == 400
    assert "sku" in response.json()["errors"]


def test_validation_detail_summarises_the_errors(clerk_api, warehouse):
    response = clerk_api.post(
        "/api/v1/documents/", {"doc_type": "gift", "warehouse": -1, "lines": []}
    )
    body = response.json()
    assert body["detail"].startswith("Invalid input. ")
    assert body["detail"].endswith("(and 2 more)")
    assert set(body["errors"]) == {"doc_type", "warehouse", "lines"}


def test_database_outages_are_left_to_the_middleware_that_answers_503():
    assert exception_handler(OperationalError("connection refused"), {}) is None
