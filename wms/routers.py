"""Reads on the read replica when they can be a little behind, everything else on the primary.

Reads go to the replica only when DATABASE_REPLICA_URL configures one, inside a safe request
(GET/HEAD, ``wms.replica.ReadYourWritesMiddleware``) or a ``reporting()`` block, and only when
``wms.replica`` finds the replica healthy and past the client's last write. Whatever runs in a
transaction on the primary (every posting, cancellation and edit, with their locking reads) stays
on the primary, and every write goes there, so replication lag can never feed a posting. The rows
that say who the client is (users, tokens, OAuth clients, sessions) are always read on the primary.
"""

from django.db import DEFAULT_DB_ALIAS

from wms.replica import (
    PRIMARY_ONLY_APPS,
    PRIMARY_ONLY_MODELS,
    REPLICA,
    reading,
    replica_configured,
    use_replica,
)

__all__ = ["REPLICA", "ReplicaRouter", "replica_configured", "reporting"]


def reporting():
    """Within the block, read-only queries outside a transaction may go to the replica (inside
    a request, under the request's own rules)."""
    return reading()


class ReplicaRouter:
    def db_for_read(self, model, **hints):
        if model is not None and (
            model._meta.app_label in PRIMARY_ONLY_APPS
            or model._meta.label_lower in PRIMARY_ONLY_MODELS
        ):
            return DEFAULT_DB_ALIAS
        return REPLICA if use_replica() else DEFAULT_DB_ALIAS

    def db_for_write(self, model, **hints):
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints):
        # The replica holds the same rows as the primary.
        return True

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == DEFAULT_DB_ALIAS
