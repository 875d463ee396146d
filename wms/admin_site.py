"""The staff back office: Django's admin site with a login that resists password guessing.

Every ModelAdmin registered here also refuses filters through secret columns in its URL
(``?password__startswith=pbkdf2`` would be a search oracle for a hash), and the admin of a
credential (an API token, an OAuth2 client) lets staff make one only for themselves: a
credential acts with its user's permissions, so minting one for another user is becoming them.

Forged input (an id that is no number or past 64 bits, a NUL byte) is refused here once for
every screen, before it reaches a query: docs/security.md, "Forged input in the back office".
"""

from functools import wraps

from django.contrib import admin
from django.contrib.admin.forms import AdminAuthenticationForm
from django.core.exceptions import PermissionDenied
from django.db.models.base import ModelBase
from django.http import HttpResponseBadRequest

from wms.admin_mixins import ForgedChoicesRefused, ForgedInputRefused, is_pk_of
from wms.login import RateLimitedLogin, refused
from wms.validators import whole_number

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
        if from_field is None and not is_pk_of(self.model, object_id):
            return None  # "abc" or 10**30 in the URL: no such object, never a query
        return super().get_object(request, object_id, from_field)

    def lookup_allowed(self, lookup, value, request=None):
        if SECRET_FIELDS.intersection(lookup.split("__")) or not _fits(lookup, value):
            return False
        return super().lookup_allowed(lookup, value, request)


def _fits(lookup: str, value: str) -> bool:
    """Whether a filter's value can reach the database: its numbers within a bigint (SQLite
    overflows past it, PostgreSQL's driver refuses), a date part within what a date holds."""
    tokens = str(value).split(",")  # __in takes a list
    if lookup.rsplit("__", 1)[-1] in ("year", "month", "day"):
        return all(len(token.strip()) <= 4 for token in tokens)
    return all(
        whole_number(token) is not None
        for token in tokens
        if token.strip().removeprefix("-").isdigit()
    )


class OwnCredentialsOnly:
    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "user" and not request.user.is_superuser:
            kwargs["queryset"] = db_field.related_model._default_manager.filter(pk=request.user.pk)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


def _holds_nul(request) -> bool:
    return any(
        "\x00" in key or any("\x00" in value for value in values)
        for data in (request.GET, request.POST)
        for key, values in data.lists()
    )


class AdminSite(admin.AdminSite):
    site_header = "WMS back office"
    site_title = "WMS"
    index_title = "Warehouse"
    # The back office is the site: no "View site" link to a public page that does not exist.
    site_url = None
    login_form = RateLimitedLoginForm

    def login(self, request, extra_context=None):
        return refused(super().login(request, extra_context))

    def admin_view(self, view, cacheable=False):
        """Every screen refuses a NUL byte in its query string or form (400) before any code
        of its own runs: no field takes one, and PostgreSQL raises on it inside a query
        (a filter, a search, a reason) where SQLite would store it."""

        @wraps(view)
        def refuse_nul(request, *args, **kwargs):
            if _holds_nul(request):
                return HttpResponseBadRequest(
                    "The request holds a NUL byte (\\x00), which no field of the back office "
                    "accepts."
                )
            return view(request, *args, **kwargs)

        return super().admin_view(refuse_nul, cacheable)

    def register(self, model_or_iterable, admin_class=None, **options):
        models = (
            [model_or_iterable] if isinstance(model_or_iterable, ModelBase) else model_or_iterable
        )
        for model in models:
            base = admin_class or admin.ModelAdmin
            mixins = (NoSecretLookups, ForgedInputRefused)
            if model._meta.label_lower in CREDENTIAL_MODELS:
                mixins = (OwnCredentialsOnly, *mixins)
            attrs = {}
            if base.inlines:
                attrs["inlines"] = [
                    _guarded(inline, ForgedChoicesRefused) for inline in base.inlines
                ]
            guarded = _guarded(base, *mixins, **attrs)
            super().register(model, guarded, **options)


def _guarded(base, *mixins, **attrs):
    """``base`` with ``mixins`` in front, under its own name and module."""
    return type(base.__name__, (*mixins, base), {"__module__": base.__module__, **attrs})
