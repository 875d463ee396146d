"""The audited tables: what is recorded for each, and which of its columns are secrets.

``model`` is the name the trail shows (the API's ``model`` filter); ``object_column`` the column
that identifies the record (an API token is named by its user: one token a user); ``secrets``
are recorded only as changed ("***"), never their values.
Adding a table here and running ``manage.py install_audit_triggers`` (also run by migrate)
audits it.
"""

from dataclasses import dataclass

SECRET_MARK = "***"


@dataclass(frozen=True)
class Audited:
    table: str
    model: str
    object_column: str = "id"
    secrets: tuple[str, ...] = ()


AUDITED = (
    Audited("products", "product"),
    Audited("packagings", "packaging"),
    Audited("lots", "lot"),
    Audited("warehouses", "warehouse"),
    Audited("locations", "location"),
    Audited("reorder_points", "reorderpoint"),
    Audited("documents", "document"),
    Audited("document_lines", "documentline"),
    Audited("pick_lists", "picklist"),
    Audited("auth_user", "user", secrets=("password",)),
    Audited("auth_group", "group"),
    Audited("auth_user_groups", "user_groups", object_column="user_id"),
    Audited("auth_user_user_permissions", "user_permissions", object_column="user_id"),
    Audited("auth_group_permissions", "group_permissions", object_column="group_id"),
    Audited("api_tokens", "token", object_column="user_id", secrets=("digest", "prefix")),
    Audited("oauth2_provider_application", "application", secrets=("client_secret",)),
    Audited("oauth2_provider_accesstoken", "accesstoken", secrets=("token", "token_checksum")),
    Audited("oauth_client_scopes", "clientscopes"),
    Audited("webhook_subscriptions", "subscription", secrets=("secret", "previous_secret")),
)

BY_TABLE = {entry.table: entry for entry in AUDITED}

# A document's status change is a lifecycle event, recorded under its verb.
LIFECYCLE_VERBS = {
    ("draft", "reserved"): "reserve",
    ("reserved", "draft"): "unreserve",
    ("draft", "posted"): "post",
    ("reserved", "posted"): "post",
    ("draft", "cancelled"): "cancel",
    ("reserved", "cancelled"): "cancel",
    ("posted", "cancelled"): "cancel",
}
