"""OAuth2 clients and their Bearer tokens, for the tests."""

import base64
import io
from urllib.parse import urlencode

from django.core.management import call_command
from rest_framework.test import APIClient

FORM = "application/x-www-form-urlencoded"


def create_client(user, scopes="read,write,post", name="erp") -> tuple[str, str]:
    out = io.StringIO()
    call_command(
        "create_oauth_client", name, "--user", user.username, "--scopes", scopes, stdout=out
    )
    lines = out.getvalue().splitlines()
    assert [line.split(": ")[0] for line in lines] == ["client_id", "client_secret"]
    return lines[0].split(": ", 1)[1], lines[1].split(": ", 1)[1]


def basic(client_id: str, secret: str) -> str:
    return "Basic " + base64.b64encode(f"{client_id}:{secret}".encode()).decode()


def request_token(credentials, client=None, **fields):
    client = client or APIClient()
    body = urlencode({"grant_type": "client_credentials", **fields})
    return client.post("/o/token/", body, content_type=FORM, HTTP_AUTHORIZATION=basic(*credentials))


def bearer(credentials, **fields) -> APIClient:
    response = request_token(credentials, **fields)
    assert response.status_code == 200, response.content
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {response.json()['access_token']}")
    return client
