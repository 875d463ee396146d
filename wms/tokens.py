"""API tokens: made here, checked by HashedTokenAuthentication; only their SHA-256 is kept.

The database sees the digest of a presented key, never the key: a statement PostgreSQL logs
(a lock wait cut short, a restart) cannot leak a credential.
"""

import hashlib
import secrets

from django.db import transaction
from rest_framework.authentication import TokenAuthentication
from rest_framework.exceptions import AuthenticationFailed

from wms.models import ApiToken

PREFIX_LENGTH = 8


def token_digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


@transaction.atomic
def api_token_create(*, user) -> str:
    """A new token for ``user``, replacing any it had; returns the key (shown once)."""
    key = secrets.token_urlsafe(32)
    ApiToken.objects.filter(user=user).delete()
    ApiToken.objects.create(user=user, digest=token_digest(key), prefix=key[:PREFIX_LENGTH])
    return key


class HashedTokenAuthentication(TokenAuthentication):
    """DRF's `Authorization: Token <key>`, looked up by the key's digest."""

    def authenticate_credentials(self, key):
        token = ApiToken.objects.select_related("user").filter(digest=token_digest(key)).first()
        if token is None:
            raise AuthenticationFailed("Invalid token.")
        if not token.user.is_active:
            raise AuthenticationFailed("User inactive or deleted.")
        return token.user, token
