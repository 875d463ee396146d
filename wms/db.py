"""Database helpers shared by every app."""

from contextlib import contextmanager

from django.db import models

from wms.exceptions import InUse


class NamedIndex(models.Index):
    """An index whose name may use PostgreSQL's full 63 characters.

    Django caps index names at 30 characters (check models.E034) for Oracle's sake, but the
    deployment guide fixes names such as ``ix_documents_created_by_created_at`` that ops query
    in ``pg_indexes``; the names are kept exactly and the cap raised to PostgreSQL's limit.
    """

    max_name_length = 63


def delete_unreferenced(instance: models.Model, *, instead: str) -> None:
    """Delete ``instance`` unless protected references to it exist; then raise InUse naming them.

    One EXISTS query per protecting relation, where Django's own ProtectedError would first load
    every referring row (millions of ledger rows for a busy product).
    """
    referring = [
        str(relation.related_model._meta.verbose_name_plural)
        for relation in instance._meta.related_objects
        if relation.on_delete in (models.PROTECT, models.RESTRICT)
        and relation.related_model._base_manager.filter(**{relation.field.name: instance}).exists()
    ]
    if referring:
        raise InUse(f"{instance} is referred to by {', '.join(referring)}; {instead}")
    instance.delete()


def delete_in_batches(rows: models.QuerySet, *, batch: int = 5_000, progress=None) -> int:
    """Delete ``rows`` a batch of primary keys at a time, each batch its own short statement
    (and transaction under autocommit), so that a purge never holds a long lock. ``progress``
    is called with each batch's size. Returns how many rows were deleted."""
    model, deleted = rows.model, 0
    while ids := list(rows.order_by("pk").values_list("pk", flat=True)[:batch]):
        model.objects.filter(pk__in=ids).delete()
        deleted += len(ids)
        if progress is not None:
            progress(len(ids))
    return deleted


@contextmanager
def maintenance_wait():
    """Within the block, waits for the server are not bounded by the request budget
    (DB_STATEMENT_TIMEOUT plus a margin): for maintenance commands whose statements run for
    minutes on a big database, and which lift statement_timeout for their own transaction."""
    from wms.backends.postgresql.base import answer_within

    with answer_within(MAINTENANCE_WAIT):
        yield


MAINTENANCE_WAIT = 24 * 3600.0
