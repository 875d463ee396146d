"""The trail on PostgreSQL: triggers write it, so nothing that changes an audited table escapes.

An AFTER trigger on every audited table (audit.registry) writes one row per changed row in the
same transaction: bulk updates, the CSV import, management commands and raw SQL included. The
application passes who is acting with ``set_config('wms.audit', <json>, true)``, local to the
transaction (safe under PgBouncer's transaction pooling, unlike a session-level SET), sent once
per transaction before its first write (audit.connection). A change made outside the application
(psql) is still recorded, with ``via`` = ``sql`` and no actor.

audit_events itself refuses UPDATE, DELETE and TRUNCATE, on every monthly partition
(audit.partitions), with one exception: the sealing step's one update of a row's empty seal
columns. Nothing else may remove a row: ``audit_archive`` detaches whole months into the
``archive`` schema, where a trigger refuses INSERT as well (audit.archive). A BEFORE INSERT
trigger writes each row's content hash and clears its seal columns. TRUNCATE is refused unless
``wms.audit_truncate`` is ``on`` in the transaction, which only the test suite's flush sets
(tests/support/database.py): no command of the application does.
"""

from audit.partitions import AUDIT_EVENTS
from audit.registry import AUDITED, LIFECYCLE_VERBS

CONTEXT_SETTING = "wms.audit"
TRUNCATE_SETTING = "wms.audit_truncate"

_VERBS = " ".join(
    f"WHEN '{before}:{after}' THEN '{verb}'" for (before, after), verb in LIFECYCLE_VERBS.items()
)

FUNCTIONS = f"""
CREATE OR REPLACE FUNCTION audit_content_hash(e audit_events) RETURNS text
LANGUAGE sql STABLE AS $$
    SELECT encode(sha256(convert_to(concat_ws(chr(31),
        to_char(e.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US'),
        e.action, e.model, e.object_id, e.actor, e.via, e.request_id, e.changes::text
    ), 'UTF8')), 'hex')
$$;

CREATE OR REPLACE FUNCTION audit_events_hash() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.content_hash := audit_content_hash(NEW);
    NEW.seal_seq := NULL;  -- only the sealing step sets them
    NEW.chain_hash := '';
    RETURN NEW;
END $$;

CREATE OR REPLACE FUNCTION audit_events_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND OLD.seal_seq IS NULL AND NEW.seal_seq IS NOT NULL
       AND to_jsonb(OLD) - '{{seal_seq,chain_hash}}'::text[]
           = to_jsonb(NEW) - '{{seal_seq,chain_hash}}'::text[] THEN
        RETURN NEW;  -- sealing: the chain columns are set once, nothing else changes
    END IF;
    IF TG_OP = 'TRUNCATE' AND current_setting('{TRUNCATE_SETTING}', true) = 'on' THEN
        RETURN NULL;  -- the test suite's flush between transactional tests
    END IF;
    RAISE EXCEPTION 'audit_events is append-only: % refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END $$;

CREATE OR REPLACE FUNCTION audit_record() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    model text := TG_ARGV[0];
    secrets text[] := TG_ARGV[2]::text[];
    old_row jsonb := CASE WHEN TG_OP <> 'INSERT' THEN to_jsonb(OLD) END;
    new_row jsonb := CASE WHEN TG_OP <> 'DELETE' THEN to_jsonb(NEW) END;
    ctx jsonb := coalesce(nullif(current_setting('{CONTEXT_SETTING}', true), '')::jsonb, '{{}}');
    changes jsonb := '{{}}';
    verb text := CASE TG_OP WHEN 'INSERT' THEN 'create' ELSE lower(TG_OP) END;
    key text;
    before jsonb;
    after jsonb;
BEGIN
    FOR key IN SELECT jsonb_object_keys(coalesce(new_row, old_row)) LOOP
        before := coalesce(old_row -> key, 'null');
        after := coalesce(new_row -> key, 'null');
        CONTINUE WHEN before = after;
        IF key = ANY(secrets) THEN
            before := CASE WHEN before IN ('null', '""') THEN 'null' ELSE '"***"' END;
            after := CASE WHEN after IN ('null', '""') THEN 'null' ELSE '"***"' END;
        END IF;
        changes := changes || jsonb_build_object(key, jsonb_build_array(before, after));
    END LOOP;
    IF changes = '{{}}' THEN
        RETURN NULL;
    END IF;
    IF model = 'document' AND changes ? 'status' THEN
        verb := CASE (old_row ->> 'status') || ':' || (new_row ->> 'status') {_VERBS}
                ELSE verb END;
    END IF;
    INSERT INTO audit_events
        (created_at, action, model, object_id, actor, via, request_id, changes,
         content_hash, chain_hash)
    VALUES (clock_timestamp(), verb, model,
            coalesce(coalesce(new_row, old_row) ->> TG_ARGV[1], ''),
            coalesce(ctx ->> 'actor', ''), coalesce(ctx ->> 'via', 'sql'),
            coalesce(ctx ->> 'request_id', ''), changes, '', '');
    RETURN NULL;
END $$;

CREATE OR REPLACE TRIGGER audit_events_hash BEFORE INSERT ON audit_events
    FOR EACH ROW EXECUTE FUNCTION audit_events_hash();
CREATE OR REPLACE TRIGGER audit_events_append_only BEFORE UPDATE OR DELETE ON audit_events
    FOR EACH ROW EXECUTE FUNCTION audit_events_guard();
CREATE OR REPLACE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events
    FOR EACH STATEMENT EXECUTE FUNCTION audit_events_guard();
"""


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def trigger_sql(table: str, model: str, object_column: str, secrets: tuple[str, ...]) -> str:
    secret_array = "{" + ",".join(secrets) + "}"
    arguments = ", ".join(_quote(value) for value in (model, object_column, secret_array))
    return (
        f'CREATE OR REPLACE TRIGGER audit_record AFTER INSERT OR UPDATE OR DELETE ON "{table}" '
        f"FOR EACH ROW EXECUTE FUNCTION audit_record({arguments})"
    )


# Before the table is dropped (a conversion): this function takes its row type.
DROP_ROW_FUNCTION = "DROP FUNCTION IF EXISTS audit_content_hash(audit_events)"


def install_own(cursor) -> None:
    """The functions, and the guards of audit_events and of each of its partitions."""
    cursor.execute(FUNCTIONS)
    if AUDIT_EVENTS.is_partitioned(cursor):
        AUDIT_EVENTS.finish_partitions(cursor)


def install(connection) -> list[str]:
    """(Re)create the functions and a trigger on every audited table that exists; their names."""
    existing = set(connection.introspection.table_names())
    installed = []
    with connection.cursor() as cursor:
        install_own(cursor)
        for entry in AUDITED:
            if entry.table in existing:
                cursor.execute(
                    trigger_sql(entry.table, entry.model, entry.object_column, entry.secrets)
                )
                installed.append(entry.table)
    return installed
