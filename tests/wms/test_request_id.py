"""Every response carries X-Request-ID, and every log line of the request shows it."""

import io
import json
import logging

import pytest
from django.test import Client, override_settings

from tests.support.documents import make_document
from wms.log import TEXT_DATE_FORMAT, TEXT_FORMAT, JsonFormatter, RequestIdFilter

pytestmark = pytest.mark.django_db


@pytest.fixture
def log_lines():
    """A handler like the project's stderr one (same filter and formatter), into a buffer."""
    buffer, root, installed = io.StringIO(), logging.getLogger(), []

    def install(fmt="text"):
        handler = logging.StreamHandler(buffer)
        handler.addFilter(RequestIdFilter())
        handler.setFormatter(
            JsonFormatter() if fmt == "json" else logging.Formatter(TEXT_FORMAT, TEXT_DATE_FORMAT)
        )
        root.addHandler(handler)
        installed.append(handler)
        return lambda: buffer.getvalue().splitlines()

    yield install
    for handler in installed:
        root.removeHandler(handler)


def test_a_generated_id_is_returned(client):
    response = client.get("/healthz")
    assert len(response["X-Request-ID"]) == 16
    assert response["X-Request-ID"] != client.get("/healthz")["X-Request-ID"]


def test_a_safe_id_from_the_client_is_kept(client):
    response = client.get("/healthz", HTTP_X_REQUEST_ID="edge-7f3a.9b_2c")
    assert response["X-Request-ID"] == "edge-7f3a.9b_2c"


@pytest.mark.parametrize(
    "unsafe", ["with space", "x" * 65, "semi;colon", "new\\nline", "ünïcode", "<script>"]
)
def test_an_unsafe_id_is_replaced(client, unsafe):
    response = client.get("/healthz", HTTP_X_REQUEST_ID=unsafe)
    assert response["X-Request-ID"] != unsafe
    assert len(response["X-Request-ID"]) == 16


def test_error_responses_carry_the_id_too(client):
    assert client.get("/no-such-page", secure=True)["X-Request-ID"]
    # Answered by a middleware before any view, like a rate limit's 429.
    forbidden = Client(enforce_csrf_checks=True).post("/admin/login/", secure=True)
    assert forbidden.status_code == 403
    assert forbidden["X-Request-ID"]


@override_settings(SECURE_SSL_REDIRECT=True)
def test_https_redirects_carry_the_id_but_spare_health(client):
    redirected = client.get("/admin/")
    assert redirected.status_code == 301 and redirected["X-Request-ID"]
    for path in ("/health", "/healthz", "/metrics"):
        assert client.get(path).status_code == 200, path


def test_every_line_of_a_request_shows_its_id(log_lines, manager_api, warehouse, product):
    document = make_document("receipt", warehouse, [(product, 3)])
    lines = log_lines()

    response = manager_api.post(
        f"/api/v1/documents/{document.pk}/post/", HTTP_X_REQUEST_ID="8f3a9b2c"
    )

    assert response.status_code == 200, response.content
    request_lines = [line for line in lines() if "[8f3a9b2c]" in line]
    assert [line.split(" | ", 3)[1:] for line in request_lines[:2]] == [
        ["INFO", "[8f3a9b2c]", f"Request started: POST /api/v1/documents/{document.pk}/post/"],
        ["INFO", "[8f3a9b2c]", f"Document {document.number} posted (1 lines)"],
    ]
    assert request_lines[-1].split(" | ")[3].startswith("Request completed: Status 200 in ")
    assert request_lines[-1].endswith(" ms")
    # Outside a request the id is "-".
    logging.getLogger("wms").info("between requests")
    assert lines()[-1].endswith("| INFO | [-] | between requests")


def test_json_lines_carry_the_same_fields(client, log_lines):
    lines = log_lines("json")
    client.get("/admin/", secure=True, HTTP_X_REQUEST_ID="json-req-1")
    entries = [json.loads(line) for line in lines()]
    started = next(e for e in entries if e["message"] == "Request started: GET /admin/")
    assert started["request_id"] == "json-req-1"
    assert started["level"] == "INFO"
    assert started["logger"] == "wms.request"
    assert "timestamp" in started
