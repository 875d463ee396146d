"""OAuth2 clients made in the admin carry their scopes, as those of create_oauth_client do."""

import pytest
from oauth2_provider.models import Application

from tests.oauth2 import request_token
from tests.support.users import user_with

pytestmark = pytest.mark.django_db


def test_a_client_added_in_the_admin_gets_tokens_with_its_scopes(admin_client):
    owner = user_with(groups=["Warehouse clerk"])
    response = admin_client.post(
        "/admin/oauth2_provider/application/add/",
        {
            "name": "scanner",
            "client_id": "scanner-client",
            "client_secret": "a-secret-long-enough-for-a-test-only",
            "hash_client_secret": "on",
            "client_type": Application.CLIENT_CONFIDENTIAL,
            "authorization_grant_type": Application.GRANT_CLIENT_CREDENTIALS,
            "user": owner.pk,
            "algorithm": "",
            "redirect_uris": "",
            "post_logout_redirect_uris": "",
            "allowed_origins": "",
            "scopes-TOTAL_FORMS": "1",
            "scopes-INITIAL_FORMS": "0",
            "scopes-MIN_NUM_FORMS": "1",
            "scopes-MAX_NUM_FORMS": "1",
            "scopes-0-scopes": ["read", "post"],
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    assert Application.objects.get(name="scanner").scopes.scopes == "read post"
    token = request_token(("scanner-client", "a-secret-long-enough-for-a-test-only"))
    assert token.json()["scope"] == "read post"
