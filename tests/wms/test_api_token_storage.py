"""API tokens are kept as a digest: the key is never stored, and never sent to the database
(a statement PostgreSQL logs when it is cut off would otherwise show it in clear)."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from tests.factories import UserFactory
from wms.models import ApiToken
from wms.tokens import api_token_create, token_digest

pytestmark = pytest.mark.django_db


def test_the_key_is_never_stored_nor_sent_to_the_database():
    user = UserFactory(is_staff=True, is_superuser=True)
    with CaptureQueriesContext(connection) as made:
        key = api_token_create(user=user)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    with CaptureQueriesContext(connection) as used:
        assert client.get("/api/v1/products/").status_code == 200
    sent = " ".join(q["sql"] for q in made.captured_queries + used.captured_queries)
    assert token_digest(key) in sent  # what the lookup and the insert carry instead
    assert key not in sent
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM api_tokens")
        assert key not in repr(cursor.fetchall())


def test_a_wrong_key_or_an_inactive_user_is_refused():
    user = UserFactory(is_superuser=True)
    key = api_token_create(user=user)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}x")
    assert client.get("/api/v1/products/").status_code == 401
    user.is_active = False
    user.save()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert client.get("/api/v1/products/").status_code == 401


def test_the_migration_keeps_issued_keys_working_and_drops_the_clear_ones():
    """Keys made by DRF's authtoken (kept in clear in authtoken_token) are hashed into
    api_tokens; the old table goes, with them."""
    from importlib import import_module

    from django.apps import apps

    migration = import_module("wms.migrations.0003_api_tokens")
    user = UserFactory(is_superuser=True)
    old_key = "9944b09199c62bcf9418ad846dd0e4bbdfc6ee4b"
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TABLE authtoken_token (key varchar(40) PRIMARY KEY, created timestamp with"
            " time zone NOT NULL, user_id integer NOT NULL)"
        )
        cursor.execute(
            "INSERT INTO authtoken_token VALUES (%s, CURRENT_TIMESTAMP, %s)", [old_key, user.pk]
        )

    class Editor:
        pass

    editor = Editor()
    editor.connection = connection
    migration.hash_old_tokens(apps, editor)
    assert "authtoken_token" not in connection.introspection.table_names()
    assert ApiToken.objects.get(user=user).prefix == old_key[:8]
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {old_key}")
    assert client.get("/api/v1/products/").status_code == 200


def test_the_admin_makes_a_token_and_shows_the_key_once(admin_client):
    user = UserFactory(is_superuser=True)
    page = admin_client.post("/admin/wms/apitoken/add/", {"user": user.pk})
    assert page.status_code == 200
    key = re.search(r'<code id="api-key">([^<]+)</code>', page.content.decode())[1]
    assert ApiToken.objects.get(user=user).digest == token_digest(key)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert client.get("/api/v1/products/").status_code == 200
    listing = admin_client.get("/admin/wms/apitoken/").content.decode()
    assert key[:8] in listing and key not in listing
    # Making another replaces it
    admin_client.post("/admin/wms/apitoken/add/", {"user": user.pk})
    assert client.get("/api/v1/products/").status_code == 401
