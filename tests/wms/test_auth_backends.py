"""A user's permissions come from one query, the same set as Django's ModelBackend gives."""

import pytest
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Group, Permission, User
from django.db import connection
from django.test.utils import CaptureQueriesContext

from wms.auth_backends import ModelBackendOneQuery

pytestmark = pytest.mark.django_db


def fresh(user):
    return User.objects.get(pk=user.pk)  # a new object: no permission cached on it


def test_the_same_permissions_as_model_backend_in_one_query():
    user = User.objects.create_user("clerk2")
    user.user_permissions.add(Permission.objects.get(codename="view_product"))
    group = Group.objects.create(name="Posters")
    group.permissions.add(*Permission.objects.filter(codename__in=["add_document", "view_product"]))
    user.groups.add(group)

    again = fresh(user)
    with CaptureQueriesContext(connection) as queries:
        ours = ModelBackendOneQuery().get_all_permissions(again)
    assert len(queries) == 1
    assert ours == ModelBackend().get_all_permissions(fresh(user))
    assert {"inventory.view_product", "documents.add_document"} <= ours


def test_inactive_users_and_superusers():
    inactive = User.objects.create_user("gone", is_active=False)
    inactive.user_permissions.add(Permission.objects.get(codename="view_product"))
    assert ModelBackendOneQuery().get_all_permissions(fresh(inactive)) == set()
    boss = User.objects.create_superuser("boss")
    assert ModelBackendOneQuery().get_all_permissions(fresh(boss)) == {
        f"{p.content_type.app_label}.{p.codename}" for p in Permission.objects.all()
    }


def test_a_revoked_permission_counts_from_the_next_request(clerk_api, clerk):
    assert clerk_api.get("/api/v1/products/").status_code == 200
    clerk.groups.clear()
    assert clerk_api.get("/api/v1/products/").status_code == 403
