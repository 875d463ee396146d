"""OAuth2 client credentials: tokens that expire, scopes that refuse, revocation, introspection,
and one rate limit for a client however it authenticates."""

import os
import subprocess
import sys
from datetime import timedelta
from urllib.parse import urlencode

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone
from oauth2_provider.models import AccessToken
from rest_framework.test import APIClient

from documents.models import Status
from tests.oauth2 import FORM, basic, bearer, create_client, request_token
from tests.ratelimit_windows import wait_for_a_fresh_window
from tests.support.documents import make_document
from tests.support.users import api_client, user_with

pytestmark = pytest.mark.django_db


@pytest.fixture
def manager_user(db):
    return user_with(groups=["Warehouse manager"])


@pytest.fixture
def clerk_user(db):
    return user_with(groups=["Warehouse clerk"])


def test_the_token_endpoint_gives_an_expiring_bearer_token_with_the_clients_scopes(manager_user):
    response = request_token(create_client(manager_user, "read,write"))
    assert response.status_code == 200
    body = response.json()
    assert body["token_type"] == "Bearer"
    assert body["expires_in"] == 3600
    assert body["scope"] == "read write"
    assert "refresh_token" not in body


def test_the_secret_is_stored_hashed(manager_user):
    client_id, secret = create_client(manager_user)
    from oauth2_provider.models import Application

    assert Application.objects.get(client_id=client_id).client_secret != secret


def test_a_wrong_secret_gets_no_token(manager_user):
    client_id, _ = create_client(manager_user)
    response = request_token((client_id, "wrong"))
    assert response.status_code == 401
    assert response.json()["error"] == "invalid_client"


def test_a_client_cannot_ask_for_a_scope_it_was_not_given(manager_user):
    response = request_token(create_client(manager_user, "read"), scope="read post")
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_scope"


def test_a_bearer_token_reads_as_its_clients_user(manager_user, warehouse):
    client = bearer(create_client(manager_user, "read"))
    response = client.get("/api/v1/warehouses/")
    assert response.status_code == 200
    assert [w["code"] for w in response.json()["results"]] == [warehouse.code]


def test_a_read_token_may_not_write_and_the_403_names_the_scope(manager_user):
    client = bearer(create_client(manager_user, "read"))
    response = client.post("/api/v1/warehouses/", {"code": "X", "name": "X"})
    assert response.status_code == 403
    assert response.json() == {
        "detail": "This token lacks the scope 'write'; ask for a token with it.",
        "code": "permission_denied",
    }


def test_posting_needs_the_post_scope(manager_user, warehouse, product):
    document = make_document("receipt", warehouse, [(product, 5)])
    credentials = create_client(manager_user, "read,write,post")
    writer = bearer(credentials, scope="read write")
    response = writer.post(f"/api/v1/documents/{document.pk}/post/")
    assert response.status_code == 403
    assert "'post'" in response.json()["detail"]
    for action in ("post", "cancel"):
        refused = writer.post(f"/api/v1/documents/{document.pk}/{action}/")
        assert refused.status_code == 403
    document.refresh_from_db()
    assert document.status == Status.DRAFT

    poster = bearer(credentials, scope="read post")
    assert poster.post(f"/api/v1/documents/{document.pk}/post/").status_code == 200
    document.refresh_from_db()
    assert document.status == Status.POSTED
    # `post` is not `write`: a posting token cannot change master data.
    assert poster.post("/api/v1/warehouses/", {"code": "X", "name": "X"}).status_code == 403


def test_a_token_can_do_no_more_than_its_user(clerk_user, warehouse, product):
    """Every scope, but a clerk's permissions: the intersection is what counts."""
    client = bearer(create_client(clerk_user, "read,write,post"))
    response = client.post("/api/v1/warehouses/", {"code": "X", "name": "X"})
    assert response.status_code == 403
    assert "warehouses.add_warehouse" in response.json()["detail"]
    adjustment = make_document("adjustment", warehouse, [(product, 5)])
    assert client.post(f"/api/v1/documents/{adjustment.pk}/post/").status_code == 403


def test_a_refused_bearer_token_is_challenged_for_a_bearer_token():
    """A 401 names the scheme the client used: an OAuth2 client is not told to send a Token."""
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Bearer not-a-real-token")
    response = client.get("/api/v1/products/")
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer ")
    client.credentials(HTTP_AUTHORIZATION="Token not-a-real-key")
    assert client.get("/api/v1/products/")["WWW-Authenticate"] == "Token"


def test_an_expired_token_is_refused(manager_user):
    client = bearer(create_client(manager_user, "read"))
    assert client.get("/api/v1/products/").status_code == 200
    AccessToken.objects.update(expires=timezone.now() - timedelta(seconds=1))
    response = client.get("/api/v1/products/")
    assert response.status_code == 401
    assert response.json() == {
        "detail": "Invalid, expired or revoked token.",
        "code": "authentication_failed",
    }


def test_the_lifetime_is_configurable():
    script = (
        "import django; django.setup()\n"
        "from oauth2_provider.settings import oauth2_settings\n"
        "print(oauth2_settings.server_kwargs['token_expires_in'])\n"
    )
    env = {**os.environ, "OAUTH2_ACCESS_TOKEN_EXPIRE_SECONDS": "60"}
    env.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    done = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True
    )
    assert done.stdout.strip() == "60"


def test_a_revoked_token_is_refused(manager_user):
    credentials = create_client(manager_user, "read")
    response = request_token(credentials)
    token = response.json()["access_token"]
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    assert client.get("/api/v1/products/").status_code == 200

    revoked = APIClient().post(
        "/o/revoke_token/",
        urlencode({"token": token}),
        content_type=FORM,
        HTTP_AUTHORIZATION=basic(*credentials),
    )
    assert revoked.status_code == 200
    response = client.get("/api/v1/products/")
    assert response.status_code == 401
    assert response.json()["detail"] == "Invalid, expired or revoked token."


def test_introspection_tells_whether_a_token_is_active(manager_user):
    credentials = create_client(manager_user, "read,write")
    token = request_token(credentials).json()["access_token"]

    def introspect():
        return APIClient().post(
            "/o/introspect/",
            urlencode({"token": token}),
            content_type=FORM,
            HTTP_AUTHORIZATION=basic(*credentials),
        )

    body = introspect().json()
    assert body["active"] is True
    assert body["scope"] == "read write"
    assert body["client_id"] == credentials[0]
    AccessToken.objects.update(expires=timezone.now() - timedelta(seconds=1))
    assert introspect().json() == {"active": False}


def test_a_client_of_a_deactivated_user_is_refused(manager_user):
    client = bearer(create_client(manager_user, "read"))
    manager_user.is_active = False
    manager_user.save()
    response = client.get("/api/v1/products/")
    assert response.status_code == 401
    assert response.json()["detail"] == "This OAuth2 client has no active user."


def test_token_credentials_are_unaffected_by_scopes(manager_user):
    response = api_client(manager_user).post("/api/v1/warehouses/", {"code": "T", "name": "T"})
    assert response.status_code == 201


def test_bearer_token_and_token_requests_share_one_rate_limit(manager_user, settings):
    settings.RATE_LIMIT_PER_MINUTE = 4
    credentials = create_client(manager_user, "read")
    wait_for_a_fresh_window("192.0.2.9", margin=2)
    client = APIClient(REMOTE_ADDR="192.0.2.9")
    response = request_token(credentials, client=client)  # 1: the token request
    assert response.status_code == 200
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {response.json()['access_token']}")
    assert client.get("/api/v1/products/").status_code == 200  # 2: Bearer
    token_client = api_client(manager_user)
    token_client.defaults["REMOTE_ADDR"] = "192.0.2.9"
    assert token_client.get("/api/v1/products/").status_code == 200  # 3: Token
    assert client.get("/api/v1/products/").status_code == 200  # 4
    assert token_client.get("/api/v1/products/").status_code == 429
    assert request_token(credentials, client=client).status_code == 429
    assert client.get("/api/v1/products/").status_code == 429


@pytest.mark.parametrize(
    "arguments, message",
    [
        (["--user", "nobody"], "No user named 'nobody'"),
        (["--user", "{user}", "--scopes", "read,admin"], "Unknown scopes admin"),
    ],
)
def test_create_oauth_client_refuses_bad_arguments(manager_user, arguments, message):
    arguments = [a.format(user=manager_user.username) for a in arguments]
    with pytest.raises(CommandError, match=message):
        call_command("create_oauth_client", "erp", *arguments)


def test_the_schema_documents_both_schemes_and_each_operations_scope(client):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    schemes = schema["components"]["securitySchemes"]
    assert schemes["tokenAuth"]["type"] == "apiKey"
    flow = schemes["oauth2"]["flows"]["clientCredentials"]
    assert flow["tokenUrl"] == "/o/token/"
    assert set(flow["scopes"]) == {"read", "write", "post", "introspection", "audit"}
    scopes = {}
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            security = {
                name: value for entry in operation["security"] for name, value in entry.items()
            }
            assert "tokenAuth" in security, (method, path)
            scopes[method, path] = security["oauth2"]
    assert scopes["get", "/api/v1/documents/"] == ["read"]
    assert scopes["post", "/api/v1/documents/"] == ["write"]
    assert scopes["patch", "/api/v1/products/{id}/"] == ["write"]
    assert scopes["post", "/api/v1/documents/{id}/post/"] == ["post"]
    assert scopes["post", "/api/v1/documents/{id}/cancel/"] == ["post"]
    assert scopes["get", "/api/v1/audit/"] == ["audit"]
