"""Warehouses over HTTP: plain records; one that anything refers to is deactivated instead."""

import pytest

from tests.factories import WarehouseFactory
from tests.support.documents import make_document
from tests.support.users import api_client, user_with
from warehouses.models import Location, Warehouse

pytestmark = pytest.mark.django_db

URL = "/api/v1/warehouses/"


def test_create_list_retrieve_update(manager_api):
    response = manager_api.post(URL, {"code": "MAIN", "name": "Main", "location": "Rotterdam"})
    assert response.status_code == 201, response.data
    body = response.json()
    assert set(body) == {
        "id",
        "code",
        "name",
        "location",
        "is_active",
        "default_location",
        "created_at",
        "updated_at",
    }
    root = Location.objects.get(warehouse_id=body["id"], parent__isnull=True)
    assert body["default_location"] == root.pk
    assert manager_api.get(URL).json()["results"] == [body]
    assert manager_api.get(f"{URL}{body['id']}/").json() == body
    response = manager_api.patch(f"{URL}{body['id']}/", {"is_active": False})
    assert response.json()["is_active"] is False


@pytest.mark.parametrize(
    "fields, field",
    [({"code": ""}, "code"), ({"code": "x" * 33}, "code"), ({"name": ""}, "name")],
)
def test_invalid_warehouses_are_400s(manager_api, fields, field):
    response = manager_api.post(URL, {"code": "MAIN", "name": "Main", **fields})
    assert response.status_code == 400
    assert field in response.json()["errors"]


def test_duplicate_code_is_a_409_already_exists(manager_api, warehouse):
    response = manager_api.post(URL, {"code": warehouse.code, "name": "Again"})
    assert response.status_code == 409
    assert response.json()["code"] == "already_exists"
    assert "code" in response.json()["errors"]


def test_an_unused_warehouse_can_be_deleted():
    warehouse = WarehouseFactory()
    client = api_client(user_with(perms=["warehouses.delete_warehouse"]))
    assert client.delete(f"{URL}{warehouse.pk}/").status_code == 204
    assert not Warehouse.objects.exists()


def test_a_warehouse_in_use_is_a_409(warehouse, product):
    make_document("receipt", warehouse, [(product, 1)])
    client = api_client(user_with(perms=["warehouses.delete_warehouse"]))
    response = client.delete(f"{URL}{warehouse.pk}/")
    assert response.status_code == 409
    assert response.json() == {
        "detail": f"{warehouse} is referred to by documents; set is_active to false instead.",
        "code": "in_use",
    }
    assert Warehouse.objects.filter(pk=warehouse.pk).exists()


def test_filters(manager_api):
    WarehouseFactory(code="A")
    WarehouseFactory(code="B", is_active=False)
    assert [w["code"] for w in manager_api.get(f"{URL}?code=A").json()["results"]] == ["A"]
    inactive = manager_api.get(f"{URL}?is_active=false").json()["results"]
    assert [w["code"] for w in inactive] == ["B"]


def test_a_clerk_only_reads_warehouses(clerk_api, warehouse):
    assert clerk_api.get(URL).status_code == 200
    assert clerk_api.post(URL, {"code": "X", "name": "X"}).status_code == 403
    assert clerk_api.delete(f"{URL}{warehouse.pk}/").status_code == 403
