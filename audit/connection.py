"""Sends who is acting to PostgreSQL once per transaction, before the transaction's first write.

An execute wrapper on every connection looks at each statement; before the first INSERT, UPDATE
or DELETE of a transaction it runs ``set_config('wms.audit', <context>, true)``, which the
audit triggers read. One extra round trip per writing transaction, whatever it writes. A write
outside any transaction (a single ``save()`` in autocommit) is wrapped in one, so the setting,
the change and its audit row share it.

Whether this transaction has it already is known from a marker registered with ``on_commit``:
Django drops such callbacks when the transaction ends and when the savepoint they were
registered in is rolled back, exactly when PostgreSQL forgets a transaction-local setting.
"""

import json
import re

from django.db import transaction

from audit.postgres import CONTEXT_SETTING
from wms import audit_context

_WRITE = re.compile(r"\s*(INSERT|UPDATE|DELETE|MERGE|COPY)\b", re.IGNORECASE)
_WITH_WRITE = re.compile(r"\s*WITH\b.*\b(INSERT|UPDATE|DELETE)\b", re.IGNORECASE | re.DOTALL)


def is_write(sql) -> bool:
    if not isinstance(sql, str):
        sql = str(sql)
    return bool(_WRITE.match(sql) or _WITH_WRITE.match(sql))


def audit_context_wrapper(execute, sql, params, many, context):
    if not is_write(sql):
        return execute(sql, params, many, context)
    connection = context["connection"]
    if not connection.in_atomic_block:
        with transaction.atomic(using=connection.alias):
            _send(connection)
            return execute(sql, params, many, context)
    if not _sent(connection):
        _send(connection)
    return execute(sql, params, many, context)


def _send(connection) -> None:
    current = json.dumps(audit_context.current().as_dict())
    with connection.cursor() as cursor:
        cursor.execute("SELECT set_config(%s, %s, true)", [CONTEXT_SETTING, current])
    marker = _Marker(current)
    connection.on_commit(marker)
    connection.audit_marker = marker


class _Marker:
    def __init__(self, sent: str):
        self.sent = sent

    def __call__(self):
        """Run at commit: nothing to do; its presence is what counts."""


def _sent(connection) -> bool:
    marker = getattr(connection, "audit_marker", None)
    if marker is None:
        return False
    if not any(entry[1] is marker for entry in connection.run_on_commit):
        return False
    return marker.sent == json.dumps(audit_context.current().as_dict())


def install(sender, connection, **kwargs) -> None:
    """connection_created receiver: wrap every PostgreSQL connection's statements.

    First in the list (the outermost wrapper), not last: a connection can be (re)made inside a
    ``with connection.execute_wrapper(...)`` block, whose exit pops the *last* wrapper; appended,
    the audit wrapper would be the one popped and the block's own would stay for good."""
    if (
        connection.vendor == "postgresql"
        and audit_context_wrapper not in connection.execute_wrappers
    ):
        connection.execute_wrappers.insert(0, audit_context_wrapper)
