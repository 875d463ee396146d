"""Admin forms: no protected field on any add or change form, and credentials only for oneself."""

import pytest
from django.contrib import admin
from django.contrib.auth.models import User
from django.test import RequestFactory
from oauth2_provider.models import Application

from tests.security.test_mass_assignment import FORBIDDEN as MASS_ASSIGNED
from tests.support.users import user_with
from wms.admin_site import CREDENTIAL_MODELS
from wms.models import ApiToken

# The API's protected names, and the columns that hold credentials themselves.
FORBIDDEN = (MASS_ASSIGNED - {"user", "cancelled_at"}) | {"key", "token"}
# Managing users is what the user admin is for (and needs auth.change_user).
ALLOWED = {"auth.User": {"is_staff", "is_superuser"}, "oauth2_provider.AccessToken": {"token"}}


def _request(user):
    request = RequestFactory().get("/admin/")
    request.user = user
    return request


@pytest.mark.django_db
def test_no_admin_form_offers_a_protected_field():
    request = _request(user_with(is_staff=True, is_superuser=True))
    offending = {}
    for model, model_admin in admin.site._registry.items():
        for obj in (None,):
            if not model_admin.has_add_permission(request):
                continue
            form = model_admin.get_form(request, obj)
            fields = set(form.base_fields) - set(model_admin.get_readonly_fields(request, obj))
            bad = fields & FORBIDDEN - ALLOWED.get(model._meta.label, set())
            if bad:
                offending[model._meta.label] = sorted(bad)
    assert offending == {}


CREDENTIAL_ADMINS = [
    ("/admin/wms/apitoken/add/", "wms.add_apitoken", ApiToken, {}),
    (
        "/admin/oauth2_provider/application/add/",
        "oauth2_provider.add_application",
        Application,
        {
            "client_id": "c1",
            "client_secret": "s" * 40,
            "client_type": "confidential",
            "authorization_grant_type": "client-credentials",
            "name": "mint",
            "algorithm": "",
            "scopes-TOTAL_FORMS": "1",
            "scopes-INITIAL_FORMS": "0",
            "scopes-MIN_NUM_FORMS": "1",
            "scopes-MAX_NUM_FORMS": "1",
            "scopes-0-scopes": ["read"],
        },
    ),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("url", "perm", "model", "body"), CREDENTIAL_ADMINS)
def test_staff_cannot_mint_a_credential_for_another_user(client, url, perm, model, body):
    superuser = user_with(is_staff=True, is_superuser=True)
    staff = user_with(is_staff=True, perms=[perm, perm.replace("add_", "view_")])
    client.force_login(staff)
    response = client.post(url, {**body, "user": superuser.pk})
    assert response.status_code == 200  # the form again, with an error on `user`
    assert "user" in response.context["adminform"].form.errors
    assert not model.objects.filter(user=superuser).exists()
    # For themselves, it works.
    response = client.post(url, {**body, "user": staff.pk})
    # The token's page shows its key once (200, no form); every other admin redirects.
    assert "adminform" not in (response.context or {}), response.context["adminform"].form.errors
    assert response.status_code in (200, 302)
    assert model.objects.filter(user=staff).exists()


@pytest.mark.django_db
def test_every_credential_admin_offers_staff_only_themselves():
    user_with(is_staff=True, is_superuser=True)
    staff = user_with(is_staff=True)
    request = _request(staff)
    checked = []
    for model, model_admin in admin.site._registry.items():
        if model._meta.label_lower not in CREDENTIAL_MODELS:
            continue
        form = model_admin.get_form(request, None)()
        assert list(form.fields["user"].queryset) == [staff], model._meta.label
        checked.append(model._meta.label_lower)
    assert "oauth2_provider.accesstoken" in checked and "wms.apitoken" in checked


@pytest.mark.django_db
def test_admin_lists_refuse_filters_through_secrets(client):
    client.force_login(user_with(is_staff=True, is_superuser=True))
    for url in (
        "/admin/auth/user/?password__startswith=pbkdf2",
        "/admin/wms/apitoken/?digest__startswith=a",
        "/admin/oauth2_provider/application/?client_secret__startswith=a",
        "/admin/integrations/subscription/?secret__startswith=whsec",
        "/admin/auth/user/?auth_token__key__regex=.",
    ):
        response = client.get(url)
        # A lookup the admin does not allow is a 400 (DisallowedModelAdminLookup), never a
        # filtered list whose length answers the question.
        assert response.status_code == 400, url
    assert User.objects.exists()
