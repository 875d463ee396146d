"""The staff back office: Django's admin site with a login that resists password guessing.

Every ModelAdmin registered here also refuses filters through secret columns in its URL
(``?password__startswith=pbkdf2`` would be a search oracle for a hash), and the admin of a
credential (an API token, an OAuth2 client) lets staff make one only for themselves: a
credential acts with its user's permissions, so minting one for another user is becoming them.
"""

from django.contrib import admin
from django.contrib.admin.forms import AdminAuthenticationForm
from django.core.exceptions import PermissionDenied
from django.db.models.base import ModelBase

from wms.login import RateLimitedLogin, refused

# Column names that hold secrets or their hashes, on any model.
SECRET_FIELDS = frozenset(
    {
        "password",
        "key",
        "token",
        "secret",
        "client_secret",
        "previous_secret",
        "token_checksum",
        "digest",
        "session_key",
        "session_data",
    }
)
# The models that are credentials of a user (by label_lower).
CREDENTIAL_MODELS = frozenset(
    {
        "wms.apitoken",
        "oauth2_provider.application",
        "oauth2_provider.accesstoken",
        "oauth2_provider.refreshtoken",
        "oauth2_provider.grant",
        "oauth2_provider.idtoken",
    }
)


class RateLimitedLoginForm(RateLimitedLogin, AdminAuthenticationForm):
    pass


class NoSecretLookups:
    def get_object(self, request, object_id, from_field=None):
        # Refused before the lookup: without the model's permission an existing id and a
        # missing one get the same 403, so ids cannot be probed for existence.
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        return super().get_object(request, object_id, from_field)

    def lookup_allowed(self, lookup, value, request=None):
        if SECRET_FIELDS.intersection(lookup.split("__")):
            return False
        return super().lookup_allowed(lookup, value, request)


class OwnCredentialsOnly:
    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "user" and not request.user.is_superuser:
            kwargs["queryset"] = db_field.related_model._default_manager.filter(pk=request.user.pk)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class AdminSite(admin.AdminSite):
    site_header = "WMS back office"
    site_title = "WMS"
    index_title = "Warehouse"
    # The back office is the site: no "View site" link to a public page that does not exist.
    site_url = None
    login_form = RateLimitedLoginForm

    def login(self, request, extra_context=None):
        return refused(super().login(request, extra_context))

    def register(self, model_or_iterable, admin_class=None, **options):
        models = (
            [model_or_iterable] if isinstance(model_or_iterable, ModelBase) else model_or_iterable
        )
        for model in models:
            base = admin_class or admin.ModelAdmin
            mixins = (NoSecretLookups,)
            if model._meta.label_lower in CREDENTIAL_MODELS:
                mixins = (OwnCredentialsOnly, *mixins)
            guarded = type(base.__name__, (*mixins, base), {"__module__": base.__module__})
            super().register(model, guarded, **options)
