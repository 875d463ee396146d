"""Database helpers shared by every app."""

from django.db import models


class NamedIndex(models.Index):
    """An index whose name may use PostgreSQL's full 63 characters.

    Django caps index names at 30 characters (check models.E034) for Oracle's sake, but the
    deployment guide fixes names such as ``ix_documents_created_by_created_at`` that ops query
    in ``pg_indexes``; the names are kept exactly and the cap raised to PostgreSQL's limit.
    """

    max_name_length = 63
