"""OAuth2 for machines: Bearer tokens from the client credentials grant, and their scopes.

A client (django-oauth-toolkit's Application) belongs to a user, whose permissions bound what
its tokens may do; the scopes a token was granted bound it further. Scopes are coarse and map
onto the permissions the endpoints already check, so a token can do what both allow:

    read   every safe request (GET, HEAD, OPTIONS)
    post   the actions that move stock, by name (POSTING_ACTIONS)
    write  every other change: drafts, master data, subscriptions
    introspection  ask /o/introspect/ about other clients' tokens (a client may always ask
                   about its own)
    audit  the audit trail, which a view asks for by its ``required_scope`` (and not ``read``)
"""

from oauth2_provider.contrib.rest_framework import OAuth2Authentication
from oauth2_provider.oauth2_validators import OAuth2Validator
from oauth2_provider.scopes import SettingsScopes
from oauthlib.oauth2.rfc6749 import errors
from rest_framework.exceptions import AuthenticationFailed
from rest_framework.permissions import SAFE_METHODS

from wms.tokens import HashedTokenAuthentication

READ, WRITE, POST, INTROSPECTION, AUDIT = "read", "write", "post", "introspection", "audit"
# What a client gets unless asked otherwise: introspection of other clients' tokens and reading
# the audit trail are given only on purpose.
API_SCOPES = (READ, WRITE, POST)
DEFAULT_SCOPES = API_SCOPES
SCOPES = (*API_SCOPES, INTROSPECTION, AUDIT)

# View actions that move stock. An action added later under one of these names (or added here)
# needs the `post` scope; any other unsafe action needs `write`.
POSTING_ACTIONS = frozenset({"post_document", "cancel", "reserve", "unreserve"})


def required_scope(request, view) -> str:
    if getattr(view, "required_scope", None):
        return view.required_scope
    if request.method in SAFE_METHODS:
        return READ
    if getattr(view, "action", None) in POSTING_ACTIONS:
        return POST
    return WRITE


def missing_scope(request, view) -> str | None:
    """The scope this request needs and its OAuth2 token lacks; None for other credentials."""
    token = request.auth
    if not hasattr(token, "allow_scopes"):
        return None  # an API token or a session: the user's permissions alone decide
    scope = required_scope(request, view)
    return None if token.allow_scopes([scope]) else scope


class OAuth2ClientAuthentication(OAuth2Authentication):
    """Bearer tokens; a client credentials token acts as its client's user."""

    def authenticate(self, request):
        found = super().authenticate(request)
        if found is None:
            if sent_bearer(request):
                # A Bearer token was sent and is not valid: say so, rather than "not provided".
                raise AuthenticationFailed("Invalid, expired or revoked token.")
            return None
        user, token = found
        user = user or token.application.user
        if user is None or not user.is_active:
            raise AuthenticationFailed("This OAuth2 client has no active user.")
        return user, token


def sent_bearer(request) -> bool:
    return request.headers.get("Authorization", "").lower().startswith("bearer ")


class TokenOrBearerAuthentication(HashedTokenAuthentication):
    """DRF's API tokens. A 401 challenges with the scheme of what was sent: DRF takes the
    challenge from the first authentication class, which would tell an OAuth2 client whose
    Bearer token was refused to send a `Token` instead."""

    bearer = OAuth2ClientAuthentication()

    def authenticate_header(self, request):
        if sent_bearer(request):
            return self.bearer.authenticate_header(request)
        return super().authenticate_header(request)


class ClientScopesBackend(SettingsScopes):
    """A client may be granted only the scopes it was created with; by default all of them."""

    def get_available_scopes(self, application=None, request=None, *args, **kwargs):
        if application is None:
            return super().get_available_scopes(application, request, *args, **kwargs)
        allowed = getattr(getattr(application, "scopes", None), "scopes", "")
        return [scope for scope in allowed.split() if scope in SCOPES]

    def get_default_scopes(self, application=None, request=None, *args, **kwargs):
        return self.get_available_scopes(application, request, *args, **kwargs)


class Validator(OAuth2Validator):
    """The toolkit's checks, and two refusals at /o/token/ rather than a token that cannot work:
    a client whose user is deactivated (or gone), and a client that may be granted no scope."""

    def validate_grant_type(self, client_id, grant_type, client, request, *args, **kwargs):
        user = getattr(request.client, "user", None)
        if user is None or not user.is_active:
            raise errors.UnauthorizedClientError(
                description="This client's user is deactivated; its tokens would not work.",
                request=request,
            )
        return super().validate_grant_type(client_id, grant_type, client, request, *args, **kwargs)

    def validate_scopes(self, client_id, scopes, client, request, *args, **kwargs):
        if not scopes:
            raise errors.InvalidScopeError(
                description="This client may be granted no scope; give it some in the admin "
                "(Applications > client scopes) or with create_oauth_client --scopes.",
                request=request,
            )
        return super().validate_scopes(client_id, scopes, client, request, *args, **kwargs)
