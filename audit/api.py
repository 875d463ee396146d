"""GET /api/v1/audit/: the trail for auditors, newest first, keyset-paged, filterable, exportable.

Only users with ``audit.read_audit`` read it (the Auditor group has it), and OAuth2 clients
only with the ``audit`` scope (``read`` is not enough). ``/api/v1/audit/export/?as=csv`` or
``?as=jsonl`` streams every row the same filters select.
"""

import json

from django.core.serializers.json import DjangoJSONEncoder
from django.http import StreamingHttpResponse
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import permissions, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError

from audit.models import AuditEvent
from wms.admin_mixins import csv_rows
from wms.api_errors import responses
from wms.filters import DateTimeFilter, FilterSet, TextFilter
from wms.oauth import AUDIT, missing_scope
from wms.pagination import CursorPagination

READ_AUDIT = "audit.read_audit"
FIELDS = [
    "id",
    "created_at",
    "action",
    "model",
    "object_id",
    "actor",
    "via",
    "request_id",
    "changes",
]
EXPORT_CHUNK = 2000


class AuditorPermission(permissions.BasePermission):
    message = f"You need the permission {READ_AUDIT} to read the audit trail."

    def has_permission(self, request, view):
        user = request.user
        if not (user and user.is_authenticated):
            return False
        scope = missing_scope(request, view)
        if scope is not None:
            self.message = f"This token lacks the scope {scope!r}; ask for a token with it."
            return False
        return user.has_perm(READ_AUDIT)


class AuditEventSerializer(serializers.ModelSerializer):
    changes = serializers.JSONField(
        help_text='{"field": [before, after]}; secrets appear only as "***".'
    )

    class Meta:
        model = AuditEvent
        fields = FIELDS
        read_only_fields = FIELDS


class AuditFilter(FilterSet):
    model = TextFilter(help_text="The model's name in lower case, e.g. product.")
    object_id = TextFilter()
    actor = TextFilter(help_text="A username or an OAuth2 client id.")
    via = TextFilter(help_text="api, admin, import, command or sql.")
    action = TextFilter(help_text="create, update, delete, post, cancel, login_failed, ...")
    created_after = DateTimeFilter(
        field_name="created_at", lookup_expr="gte", help_text="Inclusive, ISO 8601."
    )
    created_before = DateTimeFilter(
        field_name="created_at", lookup_expr="lt", help_text="Exclusive, ISO 8601."
    )

    class Meta:
        model = AuditEvent
        fields = ["model", "object_id", "actor", "via", "action", "created_after", "created_before"]


@extend_schema_view(
    list=extend_schema(
        summary="List audit entries, newest first",
        description="Keyset pages (`next`), no count. Needs `audit.read_audit` (the Auditor "
        "group); an OAuth2 client needs the `audit` scope.",
        responses=responses({200: AuditEventSerializer(many=True)}, 400, 404),
    ),
    retrieve=extend_schema(
        summary="Get an audit entry", responses=responses({200: AuditEventSerializer}, 404)
    ),
)
class AuditViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = AuditEvent.objects.only(*FIELDS)
    serializer_class = AuditEventSerializer
    filterset_class = AuditFilter
    pagination_class = CursorPagination
    permission_classes = [AuditorPermission]
    required_scope = AUDIT

    @extend_schema(
        summary="Export audit entries as CSV or JSON lines",
        description="Every entry the filters select, newest first, streamed as a file.",
        parameters=[OpenApiParameter("as", enum=["csv", "jsonl"], required=True)],
        responses=responses(
            {(200, "text/csv"): OpenApiTypes.STR, (200, "application/jsonl"): OpenApiTypes.STR},
            400,
        ),
    )
    @action(detail=False, pagination_class=None)
    def export(self, request):
        kind = request.query_params.get("as")
        if kind not in ("csv", "jsonl"):
            raise ValidationError({"as": ["Must be csv or jsonl."]})
        rows = (
            self.filter_queryset(self.get_queryset())
            .order_by("-id")
            .values_list(*FIELDS)
            .iterator(chunk_size=EXPORT_CHUNK)
        )
        if kind == "csv":
            lines = csv_rows(FIELDS, (_csv_row(row) for row in rows))
            content_type = "text/csv; charset=utf-8"
        else:
            lines = (_json_line(row) for row in rows)
            content_type = "application/jsonl; charset=utf-8"
        response = StreamingHttpResponse(lines, content_type=content_type)
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
        response["Content-Disposition"] = f'attachment; filename="audit-{stamp}.{kind}"'
        return response


def _csv_row(row: tuple) -> tuple:
    *head, changes = row
    return (*head, json.dumps(changes, ensure_ascii=False, cls=DjangoJSONEncoder))


def _json_line(row: tuple) -> str:
    return json.dumps(dict(zip(FIELDS, row, strict=True)), cls=DjangoJSONEncoder) + "\n"
