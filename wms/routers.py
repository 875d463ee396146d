"""Reporting reads on the read replica, everything else on the primary.

Reads go to the replica only inside ``reporting()`` and only when DATABASE_REPLICA_URL configures
one. Whatever runs in a transaction on the primary (every posting, cancellation and edit, with
their locking reads) stays on the primary even inside ``reporting()``, and every write goes there,
so replication lag can never feed a posting.
"""

import contextvars
from contextlib import contextmanager

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections

REPLICA = "replica"

_reporting = contextvars.ContextVar("reporting", default=False)


@contextmanager
def reporting():
    """Within the block, read-only queries outside a transaction go to the replica."""
    token = _reporting.set(True)
    try:
        yield
    finally:
        _reporting.reset(token)


def replica_configured() -> bool:
    return REPLICA in settings.DATABASES


class ReplicaRouter:
    def db_for_read(self, model, **hints):
        if (
            _reporting.get()
            and replica_configured()
            and not connections[DEFAULT_DB_ALIAS].in_atomic_block
        ):
            return REPLICA
        return DEFAULT_DB_ALIAS

    def db_for_write(self, model, **hints):
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints):
        # The replica holds the same rows as the primary.
        return True

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == DEFAULT_DB_ALIAS
