"""Admin lists of millions of rows without counting them.

Django's changelist counts its rows twice for every page: the filtered count for the paginator
and, unless ``show_full_result_count = False``, the whole table's. At a million documents or ten
million movements each count reads the table (seconds). ``EstimatedCountPaginator`` counts
exactly only up to ``EXACT_UP_TO`` rows (``SELECT COUNT(*) FROM (... LIMIT n)``, bounded work
whatever the table's size); past that it takes the planner's estimate of the filtered query
(``EXPLAIN``, no rows read), so a list says "about" that many and offers pages up to it. A
deep page reads its keys first (``KeysFirstPaginator``): the OFFSET skips index entries.
``LargeListAdmin`` sets both on a ModelAdmin.
"""

import json

from django.db import connections
from django.utils.functional import cached_property

from wms.pagination import KeysFirstPaginator

EXACT_UP_TO = 10_000


def planner_rows(queryset) -> int | None:
    """The planner's row estimate for ``queryset`` (PostgreSQL), None elsewhere."""
    connection = connections[queryset.db]
    if connection.vendor != "postgresql":
        return None
    sql, params = queryset.order_by().query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
        plan = cursor.fetchone()[0]
    plan = json.loads(plan) if isinstance(plan, str) else plan
    return int(plan[0]["Plan"]["Plan Rows"])


class EstimatedCountPaginator(KeysFirstPaginator):
    @cached_property
    def count(self) -> int:
        rows = self.object_list
        if not hasattr(rows, "query"):
            return super().count
        # Only the keys: annotations and joins for display are not needed to count.
        keys = rows.order_by().values("pk")
        bounded = keys[: EXACT_UP_TO + 1].count()
        if bounded <= EXACT_UP_TO:
            return bounded
        estimate = planner_rows(keys)
        return max(estimate or 0, bounded)


class LargeListAdmin:
    """For a ModelAdmin whose list reaches millions of rows: no full count, no exact count
    past EXACT_UP_TO."""

    paginator = EstimatedCountPaginator
    show_full_result_count = False
