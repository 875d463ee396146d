from django.conf import settings
from django.db import models
from django.utils import timezone

from wms.db import NamedIndex


class IdempotencyKey(models.Model):
    """The first response to a POST sent with an Idempotency-Key, replayed to its retries.

    A row is inserted in the same transaction as the request's effect and commits with it, so a
    key exists exactly when its effect does. The unique (user, key) index is also what makes a
    concurrent retry wait for the first request to finish.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=255)
    # sha256 of method, path and body: the same key with another request is refused.
    fingerprint = models.CharField(max_length=64)
    # Filled before the transaction that inserted the row commits; empty only while in flight.
    response_status = models.PositiveSmallIntegerField(null=True)
    # The JSON text itself, as a jsonb column would reorder the keys of the body it replays;
    # NULL, like the status, only while the first request is in flight.
    response_body = models.TextField(null=True)  # noqa: DJ001
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        db_table = "idempotency_keys"
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="uq_idempotency_keys_user_key"),
        ]
        indexes = [NamedIndex(fields=["created_at"], name="ix_idempotency_keys_created_at")]

    def __str__(self) -> str:
        return f"{self.user_id}:{self.key}"


class ClientScopes(models.Model):
    """The scopes an OAuth2 client may be granted (space separated, as OAuth2 writes them)."""

    application = models.OneToOneField(
        "oauth2_provider.Application", on_delete=models.CASCADE, related_name="scopes"
    )
    scopes = models.CharField(max_length=100)

    class Meta:
        db_table = "oauth_client_scopes"
        verbose_name_plural = "client scopes"

    def __str__(self) -> str:
        return self.scopes


class ApiToken(models.Model):
    """A user's API token, kept as its SHA-256 only: the key itself is shown once, when it is
    made, and never stored or sent to the database (where a cut-off statement would log it).

    A 256-bit random key needs no salt or slow hash: nothing can be guessed from its digest.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_token"
    )
    digest = models.CharField(max_length=64, unique=True, editable=False)
    # The key's first characters, to tell tokens apart in the admin and the logs.
    prefix = models.CharField(max_length=8, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        db_table = "api_tokens"
        verbose_name = "API token"

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.user})"
