"""/o/token/ refuses a client that could not use a token; /o/introspect/ tells a client about its
own tokens only (or every token, with the introspection scope), and only over POST."""

from urllib.parse import urlencode

import pytest
from oauth2_provider.models import Application
from rest_framework.test import APIClient

from tests.oauth2 import FORM, basic, create_client, request_token
from tests.support.users import user_with
from wms.models import ClientScopes

pytestmark = pytest.mark.django_db


@pytest.fixture
def manager_user(db):
    return user_with(groups=["Warehouse manager"])


def introspect(credentials, token, method="post"):
    client = APIClient()
    if method == "get":
        return client.get(
            "/o/introspect/", {"token": token}, HTTP_AUTHORIZATION=basic(*credentials)
        )
    return client.post(
        "/o/introspect/",
        urlencode({"token": token}),
        content_type=FORM,
        HTTP_AUTHORIZATION=basic(*credentials),
    )


def test_a_client_learns_nothing_about_another_client_s_token(manager_user):
    mine = create_client(manager_user, "read", name="mine")
    theirs = create_client(manager_user, "read,write", name="theirs")
    token = request_token(theirs).json()["access_token"]
    assert introspect(mine, token).json() == {"active": False}
    own = introspect(theirs, token).json()
    assert own["active"] is True and own["client_id"] == theirs[0]


def test_a_client_with_the_introspection_scope_learns_about_any_token(manager_user):
    auditor = create_client(manager_user, "introspection", name="gateway")
    theirs = create_client(manager_user, "read", name="theirs")
    token = request_token(theirs).json()["access_token"]
    body = introspect(auditor, token).json()
    assert body["active"] is True and body["scope"] == "read" and body["client_id"] == theirs[0]


def test_introspection_takes_the_token_only_in_a_post_body(manager_user):
    credentials = create_client(manager_user, "read")
    token = request_token(credentials).json()["access_token"]
    answer = introspect(credentials, token, method="get")
    assert answer.status_code == 405 and answer["Allow"] == "POST, OPTIONS"
    assert answer.json()["error"] == "invalid_request"


def test_introspection_needs_the_client_s_credentials(manager_user):
    credentials = create_client(manager_user, "read")
    token = request_token(credentials).json()["access_token"]
    answer = introspect((credentials[0], "wrong-secret"), token)
    assert answer.status_code == 401 and answer.json() == {"error": "invalid_client"}


def test_a_client_with_no_scopes_gets_no_token(manager_user):
    credentials = create_client(manager_user, "read")
    ClientScopes.objects.filter(application__client_id=credentials[0]).update(scopes="")
    answer = request_token(credentials)
    assert answer.status_code == 400
    assert answer.json()["error"] == "invalid_scope"
    assert "no scope" in answer.json()["error_description"]
    # A client created without the scopes row at all is refused the same way
    ClientScopes.objects.filter(application__client_id=credentials[0]).delete()
    assert request_token(credentials).json()["error"] == "invalid_scope"


def test_a_deactivated_user_s_client_gets_no_token(manager_user):
    credentials = create_client(manager_user, "read")
    manager_user.is_active = False
    manager_user.save()
    answer = request_token(credentials)
    assert answer.status_code in (400, 401)
    assert answer.json()["error"] == "unauthorized_client"
    assert "deactivated" in answer.json()["error_description"]
    assert Application.objects.get(client_id=credentials[0]).accesstoken_set.count() == 0
