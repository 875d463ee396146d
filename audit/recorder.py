"""Writing audit rows from the application: security events everywhere, changes on SQLite.

On PostgreSQL the triggers record changes (audit.postgres) and the database hashes every row;
this module then only writes security events. On SQLite, the embedded default, signals record
what goes through the ORM's save() and delete() and many-to-many changes (users' groups and
permissions), in the caller's transaction; bulk updates and raw SQL are not seen there
(docs/operations.md says so).
"""

from django.db import connection

from audit import hashing
from audit.models import AuditEvent
from wms import audit_context


def record(*, action: str, model: str, object_id="", changes: dict | None = None) -> AuditEvent:
    context = audit_context.current()
    event = AuditEvent(
        action=action,
        model=model,
        object_id=str(object_id),
        actor=context.actor,
        via=context.via,
        request_id=context.request_id,
        changes=hashing.normalised(changes or {}),
    )
    if connection.vendor != "postgresql":
        event.content_hash = hashing.content_hash(event)
    event.save(force_insert=True)
    return event
