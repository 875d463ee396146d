"""Token introspection (RFC 7662) that tells a client only about its own tokens."""

import calendar
import hashlib

from django.http import JsonResponse
from django.utils.decorators import method_decorator
from django.views import View
from django.views.decorators.csrf import csrf_exempt
from oauth2_provider.models import get_access_token_model
from oauth2_provider.views.mixins import OAuthLibMixin
from oauthlib.common import Request

from wms.oauth import INTROSPECTION

INACTIVE = {"active": False}


@method_decorator(csrf_exempt, name="dispatch")
class IntrospectView(OAuthLibMixin, View):
    """POST only (a token in a query string lands in access logs), with the client's own
    credentials (HTTP Basic, or client_id and client_secret in the body). A client learns about
    its own tokens; about another's only with the `introspection` scope, and is otherwise told
    the token is not active, as RFC 7662 allows, so it cannot probe which tokens exist."""

    http_method_names = ["post", "options"]

    def http_method_not_allowed(self, request, *args, **kwargs):
        response = JsonResponse(
            {"error": "invalid_request", "error_description": "Use POST, the token in the body."},
            status=405,
        )
        response["Allow"] = "POST, OPTIONS"
        return response

    def post(self, request, *args, **kwargs):
        client = self._client(request)
        if client is None:
            response = JsonResponse({"error": "invalid_client"}, status=401)
            response["WWW-Authenticate"] = 'Basic realm="oauth2"'
            return response
        value = request.POST.get("token")
        if not value:
            return JsonResponse(
                {"error": "invalid_request", "error_description": "Token parameter is missing."},
                status=400,
            )
        checksum = hashlib.sha256(value.encode()).hexdigest()
        token = (
            get_access_token_model()
            .objects.select_related("user", "application")
            .filter(token_checksum=checksum)
            .first()
        )
        if token is None or not token.is_valid() or not self._may_see(client, token):
            return JsonResponse(INACTIVE)
        body = {
            "active": True,
            "scope": token.scope,
            "exp": int(calendar.timegm(token.expires.timetuple())),
            "client_id": token.application.client_id if token.application else None,
        }
        if token.user:
            body["username"] = token.user.get_username()
        return JsonResponse(body)

    def _client(self, request):
        """The client whose credentials came with the request, or None."""
        uri, method, body, headers = self.get_oauthlib_core()._extract_params(request)

        oauth_request = Request(uri, method, body, headers)
        validator = self.get_server().request_validator
        if not validator.authenticate_client(oauth_request):
            return None
        return oauth_request.client

    @staticmethod
    def _may_see(client, token) -> bool:
        if token.application_id == client.pk:
            return True
        granted = getattr(getattr(client, "scopes", None), "scopes", "").split()
        return INTROSPECTION in granted
