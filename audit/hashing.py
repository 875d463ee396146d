"""Content hashes and the chain that links sealed rows, the same on every database.

A row's content hash covers what it says (time, action, model, object, actor, via, request id,
changes). On PostgreSQL it is computed by the database (audit_content_hash, audit.postgres), on
SQLite here; each database recomputes its own kind when verifying. The chain hash of a sealed row
covers the previous row's chain hash, its own sequence number, id and content hash, so removing,
reordering or editing a sealed row breaks every link after it.
"""

import hashlib
import json
from datetime import UTC

from django.core.serializers.json import DjangoJSONEncoder

GENESIS = "0" * 64
SEPARATOR = "\x1f"


def normalised(changes: dict) -> dict:
    """``changes`` as it reads back from a JSON column: dates and decimals as strings."""
    return json.loads(json.dumps(changes, cls=DjangoJSONEncoder))


TIME_FORMAT = "%Y-%m-%dT%H:%M:%S.%f"


def hashed_fields(event, changes_text: str | None = None) -> tuple[str, ...]:
    """The texts a content hash covers, in order. ``changes_text`` is the changes as the
    database hashes them (PostgreSQL: ``changes::text``); by default the SQLite kind,
    canonical JSON."""
    if changes_text is None:
        changes_text = json.dumps(
            event.changes, sort_keys=True, separators=(",", ":"), ensure_ascii=False
        )
    return (
        event.created_at.astimezone(UTC).strftime(TIME_FORMAT),
        event.action,
        event.model,
        event.object_id,
        event.actor,
        event.via,
        event.request_id,
        changes_text,
    )


def digest(fields) -> str:
    return hashlib.sha256(SEPARATOR.join(fields).encode()).hexdigest()


def content_hash(event) -> str:
    """The SQLite kind: canonical JSON for the changes."""
    return digest(hashed_fields(event))


def chain_hash(previous: str, seal_seq: int, event_id: int, content: str) -> str:
    text = SEPARATOR.join((previous, str(seal_seq), str(event_id), content))
    return hashlib.sha256(text.encode()).hexdigest()
