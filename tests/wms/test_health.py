"""/health, /healthz and the last-resort error handler."""

import json

import pytest
from django.db import OperationalError

import wms
from wms.views import server_error

pytestmark = pytest.mark.django_db


def test_health_reports_the_database_and_the_version(client):
    response = client.get("/health")
    assert response.status_code == 200
    assert response.json() == {"status": "healthy", "database": "connected", "version": "1.0.0"}
    assert wms.__version__ == "1.0.0"
    assert "no-store" in response["Cache-Control"]


def test_liveness_needs_nothing(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["status"] == "alive"


def test_health_needs_no_authentication_and_only_answers_get(client):
    assert client.post("/health").status_code == 405


def test_a_database_outage_outside_a_view_is_still_a_503_json(rf):
    try:
        raise OperationalError("server closed the connection unexpectedly")
    except OperationalError:
        response = server_error(rf.get("/admin/"))
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert json.loads(response.content)["code"] == "database_unavailable"


def test_other_errors_keep_the_plain_500_page(rf):
    try:
        raise ValueError("a bug")
    except ValueError:
        response = server_error(rf.get("/admin/"))
    assert response.status_code == 500


def test_other_errors_under_the_api_are_a_500_json(rf):
    try:
        raise ValueError("a bug")
    except ValueError:
        response = server_error(rf.get("/api/v1/products/"))
    assert response.status_code == 500
    assert json.loads(response.content)["code"] == "server_error"
