"""Products over HTTP: plain records, validated prices, and no deleting what is in use."""

import pytest

from inventory.models import Product
from tests.factories import ProductFactory
from tests.support.documents import make_document, post
from tests.support.users import api_client, user_with

pytestmark = pytest.mark.django_db

URL = "/api/v1/products/"


def test_create_list_retrieve(manager_api):
    response = manager_api.post(
        URL, {"sku": "SKU-1", "name": "Box", "unit": "box", "price": "12.50"}
    )
    assert response.status_code == 201, response.data
    body = response.json()
    assert body["sku"] == "SKU-1"
    assert body["price"] == "12.50"
    assert body["is_active"] is True

    listed = manager_api.get(URL).json()
    assert listed["count"] == 1
    assert [p["sku"] for p in listed["results"]] == ["SKU-1"]
    assert manager_api.get(f"{URL}{body['id']}/").json() == body


@pytest.mark.parametrize(
    "fields, field",
    [
        ({"price": "-0.01"}, "price"),
        ({"price": "1.234"}, "price"),
        ({"price": "abc"}, "price"),
        ({"price": "10000000000.00"}, "price"),
        ({"sku": ""}, "sku"),
        ({"sku": "x" * 65}, "sku"),
        ({"unit": "parsec"}, "unit"),
        ({"name": None}, "name"),
    ],
)
def test_invalid_products_are_400s(manager_api, fields, field):
    response = manager_api.post(URL, {"sku": "SKU-1", "name": "Box", **fields})
    assert response.status_code == 400
    assert field in response.json()["errors"]
    assert not Product.objects.exists()


def test_duplicate_sku_is_a_409_already_exists(manager_api, product):
    response = manager_api.post(URL, {"sku": product.sku, "name": "Again"})
    assert response.status_code == 409
    assert response.json()["code"] == "already_exists"
    assert response.json()["errors"]["sku"] == ["product with this sku already exists."]


@pytest.mark.parametrize("field, value", [("sku", 7), ("name", 7.5), ("price", 12.5)])
def test_text_and_money_are_json_strings(manager_api, field, value):
    response = manager_api.post(URL, {"sku": "S-1", "name": "N", field: value}, format="json")
    assert response.status_code == 400
    assert field in response.json()["errors"]


def test_update_and_partial_update(manager_api, product):
    response = manager_api.patch(f"{URL}{product.pk}/", {"price": "3.10"})
    assert response.status_code == 200
    assert response.json()["price"] == "3.10"
    response = manager_api.put(f"{URL}{product.pk}/", {"sku": "NEW", "name": "Renamed"})
    assert response.status_code == 200
    product.refresh_from_db()
    assert (product.sku, product.name) == ("NEW", "Renamed")


def test_deactivate(manager_api, product):
    manager_api.patch(f"{URL}{product.pk}/", {"is_active": False})
    product.refresh_from_db()
    assert product.is_active is False


def test_an_unused_product_can_be_deleted(warehouse):
    product = ProductFactory()
    client = api_client(user_with(perms=["inventory.delete_product"]))
    assert client.delete(f"{URL}{product.pk}/").status_code == 204
    assert not Product.objects.exists()


@pytest.mark.parametrize("posted", [False, True])
def test_a_product_in_use_is_a_409_not_a_delete(warehouse, product, posted):
    if posted:
        post("receipt", warehouse, [(product, 1)])
    else:
        make_document("receipt", warehouse, [(product, 1)])
    client = api_client(user_with(perms=["inventory.delete_product"]))

    response = client.delete(f"{URL}{product.pk}/")

    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "in_use"
    assert "document lines" in body["detail"]
    assert "set is_active to false instead" in body["detail"]
    if posted:
        assert "stock movements" in body["detail"]
    assert Product.objects.filter(pk=product.pk).exists()


def test_filters(manager_api):
    ProductFactory(sku="A-1")
    ProductFactory(sku="B-1", is_active=False)
    assert [p["sku"] for p in manager_api.get(f"{URL}?sku=B-1").json()["results"]] == ["B-1"]
    active = manager_api.get(f"{URL}?is_active=true").json()["results"]
    assert [p["sku"] for p in active] == ["A-1"]
    assert manager_api.get(f"{URL}?is_active=perhaps").status_code == 400


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_a_clerk_only_reads_products(clerk_api, product, method):
    assert clerk_api.get(f"{URL}{product.pk}/").status_code == 200
    target = URL if method == "post" else f"{URL}{product.pk}/"
    response = getattr(clerk_api, method)(target, {"sku": "X", "name": "X"})
    assert response.status_code == 403
    needed = {"post": "add", "put": "change", "patch": "change", "delete": "delete"}[method]
    assert response.json()["detail"] == (
        f"You need the permission inventory.{needed}_product to do this."
    )
