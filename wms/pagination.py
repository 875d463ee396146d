"""Pages for every API list: 50 rows by default, never more than 100.

Catalogue-sized lists (products, warehouses, stock, totals) are numbered pages with a ``count``.
The append-only lists that grow without bound (documents, movements) use keyset pagination:
``WHERE id < last seen ORDER BY id DESC``, as fast on page 10,000 as on page 1, without a count.
"""

from django.core.paginator import Paginator
from django.utils.dateparse import parse_datetime
from rest_framework import pagination
from rest_framework.exceptions import NotFound, ValidationError

# A cursor the server did not make names no page: 404, as for a page number past the end.
INVALID_CURSOR = "Invalid cursor: no such page. Start from the first page and follow `next`."

DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 100
_MAX_ID = 2**63 - 1


def _with_bounds(parameters: list[dict]) -> list[dict]:
    """The page_size parameter with its bounds, for the schema."""
    for parameter in parameters:
        if parameter["name"] in ("page", "page_size"):
            parameter["schema"] = {"type": "integer", "minimum": 1}
    return parameters


def _valid_position(field: str, position: str) -> bool:
    if field == "created_at":
        try:
            return parse_datetime(position) is not None
        except ValueError:
            return False
    return position.isascii() and position.isdigit() and 0 < int(position) <= _MAX_ID


def _positive(raw: str) -> bool:
    return raw.isascii() and raw.isdigit() and int(raw) >= 1


def _page_size(request, default: int) -> int:
    raw = request.query_params.get("page_size")
    if raw is None:  # given but empty is refused below, as an empty filter is
        return default
    if not _positive(raw):
        raise ValidationError({"page_size": ["Must be a positive whole number."]})
    # Capped rather than refused, as REST framework does: a client asking for "all" gets 100.
    return min(int(raw), MAX_PAGE_SIZE)


class KeysFirstPaginator(Paginator):
    """Django's paginator, but a page past the first is read in two steps: the page's primary
    keys alone (``values_list("pk")[offset:offset + n]``: the filters and the order, none of
    the joins and per-row subqueries shown on the page, so the OFFSET walks an index), then
    those rows in full. OFFSET 50,000 then skips index entries, not 50,000 rows built with
    their joins: page 1,000 costs about what page 1 does."""

    def page(self, number):
        number = self.validate_number(number)
        rows = self.object_list
        if number == 1 or not hasattr(rows, "values_list"):
            return super().page(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        keys = list(rows.values_list("pk", flat=True)[bottom:top])
        found = {row.pk: row for row in rows.filter(pk__in=keys)}
        return self._get_page([found[k] for k in keys if k in found], number, self)


class ShortFirstPagePaginator(KeysFirstPaginator):
    """Django's paginator without its COUNT query when the first page is not full: then its rows
    are the count. A lookup that matches one row (the stock of a product in a warehouse) is one
    query instead of two; a full first page is read once and counted as before."""

    def page(self, number):
        if str(number) != "1" or "count" in self.__dict__:
            return super().page(number)
        rows = list(self.object_list[: self.per_page])
        if len(rows) < self.per_page:
            self.__dict__["count"] = len(rows)  # Paginator.count is a cached_property
        self.validate_number(1)
        return self._get_page(rows, 1, self)


class PageNumberPagination(pagination.PageNumberPagination):
    django_paginator_class = ShortFirstPagePaginator
    page_size = DEFAULT_PAGE_SIZE
    page_size_query_param = "page_size"
    max_page_size = MAX_PAGE_SIZE
    page_size_query_description = f"Rows per page, {DEFAULT_PAGE_SIZE} by default, at most 100."
    page_query_description = "A page number from 1; past the last page is a 404."
    last_page_strings = ()

    def get_page_number(self, request, paginator):
        raw = request.query_params.get(self.page_query_param, "1")
        if not _positive(raw):
            raise ValidationError({"page": ["Must be a positive whole number."]})
        return raw

    def get_page_size(self, request):
        return _page_size(request, self.page_size)

    def get_schema_operation_parameters(self, view):
        return _with_bounds(super().get_schema_operation_parameters(view))

    def get_paginated_response_schema(self, schema):
        paged = super().get_paginated_response_schema(schema)
        paged["required"] = ["count", "next", "previous", "results"]
        return paged


class CursorPagination(pagination.CursorPagination):
    page_size = DEFAULT_PAGE_SIZE
    page_size_query_param = "page_size"
    max_page_size = MAX_PAGE_SIZE
    page_size_query_description = f"Rows per page, {DEFAULT_PAGE_SIZE} by default, at most 100."
    # Newest first by the primary key: unique and indexed, and in insertion order.
    ordering = "-id"

    def get_page_size(self, request):
        return _page_size(request, self.page_size)

    def get_schema_operation_parameters(self, view):
        return _with_bounds(super().get_schema_operation_parameters(view))

    def decode_cursor(self, request):
        try:
            cursor = super().decode_cursor(request)
        except NotFound as exc:  # REST framework's answer to a malformed cursor
            raise NotFound(INVALID_CURSOR) from exc
        # The position is compared with the ordering's column: anything but an id (or an
        # instant, for a list ordered by time) would fail in SQL.
        position = cursor.position if cursor else None
        if position is not None and not _valid_position(self.ordering[0].lstrip("-"), position):
            raise NotFound(INVALID_CURSOR)
        return cursor

    def get_paginated_response_schema(self, schema):
        paged = super().get_paginated_response_schema(schema)
        paged["required"] = ["next", "previous", "results"]
        return paged


class TimeBoundCursorPagination(CursorPagination):
    """Keyset pages newest first by id; with ``created_before``, newest first by ``created_at``
    (ties kept in order by the cursor's offset). ``created_before`` far back under id order
    walks the primary key from the newest row past every newer one (most of the table); in
    time order the page starts where the bound is, in ix_<table>_created_at."""

    def get_ordering(self, request, queryset, view):
        if request.query_params.get("created_before"):
            return ("-created_at",)
        return super().get_ordering(request, queryset, view)
