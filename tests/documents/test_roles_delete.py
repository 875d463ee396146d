"""A manager deletes a product or warehouse nobody used yet; anything in use is a 409, and a
clerk may not delete at all."""

import importlib

import pytest
from django.apps import apps as django_apps
from django.contrib.auth.models import Group, Permission

from inventory.models import Product
from tests.support.documents import make_document
from warehouses.models import Warehouse
from wms.roles import MANAGER, sync_roles

pytestmark = pytest.mark.django_db

RECORDS = [
    ("/api/v1/products/", "product", Product),
    ("/api/v1/warehouses/", "warehouse", Warehouse),
]


@pytest.mark.parametrize("url, fixture, model", RECORDS)
def test_a_manager_deletes_an_unused_record(manager_api, request, url, fixture, model):
    record = request.getfixturevalue(fixture)
    assert manager_api.delete(f"{url}{record.pk}/").status_code == 204
    assert not model.objects.filter(pk=record.pk).exists()


@pytest.mark.parametrize("url, fixture, model", RECORDS)
def test_a_manager_gets_409_in_use_for_a_record_in_use(
    manager_api, warehouse, product, url, fixture, model
):
    make_document("receipt", warehouse, [(product, 1)])
    record = {"product": product, "warehouse": warehouse}[fixture]
    response = manager_api.delete(f"{url}{record.pk}/")
    assert response.status_code == 409
    assert response.json()["code"] == "in_use"
    assert model.objects.filter(pk=record.pk).exists()


@pytest.mark.parametrize("url, fixture, model", RECORDS)
def test_a_clerk_may_not_delete(clerk_api, request, url, fixture, model):
    record = request.getfixturevalue(fixture)
    assert clerk_api.delete(f"{url}{record.pk}/").status_code == 403
    assert model.objects.filter(pk=record.pk).exists()


def test_the_migration_gives_an_existing_manager_group_the_delete_permissions():
    # A database whose groups were made before: the manager group lacks the permissions.
    sync_roles(Group, Permission)  # a transactional test may have flushed the groups
    group = Group.objects.get(name=MANAGER)
    group.permissions.remove(*group.permissions.filter(codename__startswith="delete_"))
    migration = importlib.import_module("documents.migrations.0005_managers_delete_unused_records")
    migration.forwards(django_apps, None)
    codenames = set(group.permissions.values_list("codename", flat=True))
    assert {"delete_product", "delete_warehouse"} <= codenames
