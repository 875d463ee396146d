"""On SQLite: audit rows cannot be changed, except the sealing step's one-time chain columns.

(On PostgreSQL the guard is a trigger installed with the others after migrate, audit.postgres.)
Deletes stay possible on SQLite, because Django's test flush empties tables with DELETE; a
removed row is found by verify_audit through the chain.
"""

from django.db import migrations

GUARD = """
CREATE TRIGGER audit_events_append_only BEFORE UPDATE ON audit_events
WHEN OLD.seal_seq IS NOT NULL OR NEW.seal_seq IS NULL
    OR NEW.id IS NOT OLD.id OR NEW.created_at IS NOT OLD.created_at
    OR NEW.action IS NOT OLD.action OR NEW.model IS NOT OLD.model
    OR NEW.object_id IS NOT OLD.object_id OR NEW.actor IS NOT OLD.actor
    OR NEW.via IS NOT OLD.via OR NEW.request_id IS NOT OLD.request_id
    OR NEW.changes IS NOT OLD.changes OR NEW.content_hash IS NOT OLD.content_hash
BEGIN
    SELECT RAISE(ABORT, 'audit_events is append-only: UPDATE refused');
END
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(GUARD)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute("DROP TRIGGER IF EXISTS audit_events_append_only")


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]

    operations = [migrations.RunPython(forwards, backwards)]
