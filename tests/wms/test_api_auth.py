"""Who may call the API: tokens (and staff sessions), 401 for strangers, 403 naming the gap."""

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from rest_framework.test import APIClient

from tests.support.users import api_client, user_with
from wms.models import ApiToken
from wms.tokens import token_digest

pytestmark = pytest.mark.django_db

ENDPOINTS = [
    ("get", "/api/v1/"),
    ("get", "/api/v1/products/"),
    ("post", "/api/v1/products/"),
    ("get", "/api/v1/products/1/"),
    ("put", "/api/v1/products/1/"),
    ("patch", "/api/v1/products/1/"),
    ("delete", "/api/v1/products/1/"),
    ("get", "/api/v1/warehouses/"),
    ("post", "/api/v1/warehouses/"),
    ("get", "/api/v1/warehouses/1/"),
    ("get", "/api/v1/stock/"),
    ("get", "/api/v1/stock/1/"),
    ("get", "/api/v1/inventory/"),
    ("get", "/api/v1/inventory/1/"),
    ("get", "/api/v1/movements/"),
    ("get", "/api/v1/movements/1/"),
    ("get", "/api/v1/documents/"),
    ("post", "/api/v1/documents/"),
    ("get", "/api/v1/documents/1/"),
    ("patch", "/api/v1/documents/1/"),
    ("delete", "/api/v1/documents/1/"),
    ("post", "/api/v1/documents/1/post/"),
    ("post", "/api/v1/documents/1/cancel/"),
    ("get", "/api/v1/webhooks/"),
    ("post", "/api/v1/webhooks/"),
    ("patch", "/api/v1/webhooks/1/"),
    ("post", "/api/v1/webhooks/1/rotate-secret/"),
    ("post", "/api/v1/webhooks/1/test/"),
    ("get", "/api/v1/webhooks/1/deliveries/"),
]


@pytest.mark.parametrize("method, url", ENDPOINTS)
def test_anonymous_requests_are_401_everywhere(method, url):
    response = getattr(APIClient(), method)(url)
    assert response.status_code == 401
    assert response.json() == {
        "detail": "Authentication credentials were not provided.",
        "code": "not_authenticated",
    }
    assert response["WWW-Authenticate"] == "Token"


def test_an_unknown_token_is_401():
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token not-a-real-key")
    response = client.get("/api/v1/products/")
    assert response.status_code == 401
    assert response.json() == {"detail": "Invalid token.", "code": "authentication_failed"}


def test_a_token_of_an_inactive_user_is_401():
    user = user_with(groups=["Warehouse clerk"])
    client = api_client(user)
    user.is_active = False
    user.save()
    assert client.get("/api/v1/products/").status_code == 401


def test_a_staff_session_serves_the_browsable_api(clerk):
    client = APIClient()
    client.force_login(clerk)
    response = client.get("/api/v1/products/", HTTP_ACCEPT="text/html")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")


def test_a_user_without_permissions_gets_403_naming_the_permission():
    response = api_client(user_with()).get("/api/v1/documents/")
    assert response.status_code == 403
    assert response.json() == {
        "detail": "You need the permission documents.view_document to do this.",
        "code": "permission_denied",
    }


@pytest.mark.parametrize(
    "url",
    ["/api/v1/products/", "/api/v1/warehouses/", "/api/v1/stock/", "/api/v1/inventory/"]
    + ["/api/v1/movements/", "/api/v1/documents/"],
)
def test_both_roles_read_everything(clerk_api, manager_api, url):
    assert clerk_api.get(url).status_code == 200
    assert manager_api.get(url).status_code == 200


def test_a_clerk_drafts_documents_but_may_not_touch_the_catalogue(clerk_api, warehouse, product):
    body = {"doc_type": "receipt", "warehouse": warehouse.pk, "lines": []}
    assert clerk_api.post("/api/v1/documents/", body).status_code == 400  # allowed, then invalid
    assert clerk_api.post("/api/v1/products/", {"sku": "S", "name": "N"}).status_code == 403


def test_create_api_token_prints_the_key_alone_on_the_last_line(capsys):
    user = user_with(username="shop")
    call_command("create_api_token", "shop")
    key = capsys.readouterr().out.splitlines()[-1]
    assert ApiToken.objects.get(user=user).digest == token_digest(key)
    assert api_client_with_key(key).get("/api/v1/").status_code == 200

    # The key is not kept, so it cannot be shown again: asking twice says how to get a new one
    with pytest.raises(CommandError, match=rf"already has an API token \({key[:8]}…\).*--rotate"):
        call_command("create_api_token", "shop")
    assert api_client_with_key(key).get("/api/v1/").status_code == 200


def test_create_api_token_rotate_replaces_the_key(capsys):
    user_with(username="shop")
    call_command("create_api_token", "shop")
    old = capsys.readouterr().out.splitlines()[-1]
    call_command("create_api_token", "shop", "--rotate")
    new = capsys.readouterr().out.splitlines()[-1]
    assert new != old
    assert api_client_with_key(old).get("/api/v1/").status_code == 401
    assert api_client_with_key(new).get("/api/v1/").status_code == 200


def test_create_api_token_for_an_unknown_user_fails():
    with pytest.raises(CommandError, match="No user named 'ghost'"):
        call_command("create_api_token", "ghost")


def api_client_with_key(key):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def test_create_api_token_with_a_group_creates_an_api_only_user(capsys):
    call_command("create_api_token", "erp", "--group", "Warehouse clerk")
    key = capsys.readouterr().out.splitlines()[-1]
    user = ApiToken.objects.get(digest=token_digest(key)).user
    assert user.username == "erp"
    assert list(user.groups.values_list("name", flat=True)) == ["Warehouse clerk"]
    assert not user.has_usable_password()
    assert api_client_with_key(key).get("/api/v1/documents/").status_code == 200
    assert api_client_with_key(key).post("/api/v1/products/", {}).status_code == 403


def test_create_api_token_with_an_unknown_group_fails_and_creates_no_user():
    with pytest.raises(CommandError, match="No group named 'Clerks'. Groups: .*Warehouse clerk"):
        call_command("create_api_token", "erp", "--group", "Clerks")
    assert not ApiToken.objects.exists()
    assert not get_user_model().objects.filter(username="erp").exists()


def test_the_permission_check_does_not_build_the_view_queryset(monkeypatch, warehouse, product):
    """DRF's model permission calls get_queryset() only to learn the model; the stock list's is
    annotated with subqueries, so building it twice cost a lookup a tenth of its time."""
    from inventory.api.stock import StockViewSet

    built = []
    original = StockViewSet.get_queryset

    def counted(self):
        built.append(self.request.method)
        return original(self)

    monkeypatch.setattr(StockViewSet, "get_queryset", counted)
    reader = api_client(user_with(perms=["inventory.view_warehouseinventory"]))
    answer = reader.get(f"/api/v1/stock/?warehouse={warehouse.pk}&product={product.pk}")
    assert answer.status_code == 200
    assert built == ["GET"]

    refused = api_client(user_with()).get("/api/v1/stock/")
    assert refused.status_code == 403
    assert refused.json()["detail"] == (
        "You need the permission inventory.view_warehouseinventory to do this."
    )
