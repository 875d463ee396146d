"""OpenAPI for OAuth2 Bearer tokens: the client credentials flow, and each operation's scope."""

from drf_spectacular.contrib.django_oauth_toolkit import DjangoOAuthToolkitScheme
from rest_framework.request import Request
from rest_framework.test import APIRequestFactory

from wms.oauth import required_scope


class ClientCredentialsScheme(DjangoOAuthToolkitScheme):
    target_class = "wms.oauth.OAuth2ClientAuthentication"

    def get_security_requirement(self, auto_schema):
        # The scope the permission check will ask for, from the operation's method and action.
        request = Request(APIRequestFactory().generic(auto_schema.method, auto_schema.path))
        return {self.name: [required_scope(request, auto_schema.view)]}
