"""The trail in the back office: a global list filtered by actor, model, action, via and time,
and every audited object's History button leading to its own entries."""

import json

from django.contrib import admin
from django.core.paginator import Paginator
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.html import format_html
from django.utils.http import urlencode

from audit.api import FIELDS, READ_AUDIT
from audit.models import AuditEvent
from audit.registry import BY_TABLE
from wms.admin_mixins import ReadOnlyAdminMixin

# A count past this is shown as "10000+" pages' worth: counting millions of rows on every page
# view is what makes big admin lists slow.
COUNT_LIMIT = 10_000


class BoundedCountPaginator(Paginator):
    @cached_property
    def count(self):
        return self.object_list[: COUNT_LIMIT + 1].values("pk").count()


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = [name for name in FIELDS if name != "changes"]
    list_filter = ["model", "action", "via", ("created_at", admin.DateFieldListFilter)]
    search_fields = ["=actor", "=object_id", "=request_id"]
    fields = [*list_display, "changes_table", "content_hash", "seal_seq", "chain_hash"]
    readonly_fields = fields
    paginator = BoundedCountPaginator
    show_full_result_count = False
    list_per_page = 100

    def has_view_permission(self, request, obj=None):
        return request.user.has_perm(READ_AUDIT)

    def has_module_permission(self, request):
        return request.user.has_perm(READ_AUDIT)

    @admin.display(description="changes")
    def changes_table(self, event):
        return format_html("<pre>{}</pre>", json.dumps(event.changes, indent=2, ensure_ascii=False))


def _history_redirect(model_admin, request, object_id, extra_context=None):
    entry = BY_TABLE[model_admin.model._meta.db_table]
    query = urlencode({"model": entry.model, "object_id": object_id})
    return HttpResponseRedirect(f"{reverse('admin:audit_auditevent_changelist')}?{query}")


def attach_history(site) -> None:
    """Each audited model's History button shows its audit entries (to those who may read them;
    Django's admin-only log stays for the others)."""
    for model, model_admin in site._registry.items():
        entry = BY_TABLE.get(model._meta.db_table)
        if entry is None or entry.object_column != "id":
            continue
        original = model_admin.history_view

        def history_view(
            request, object_id, extra_context=None, _admin=model_admin, _orig=original
        ):
            if request.user.has_perm(READ_AUDIT):
                return _history_redirect(_admin, request, object_id, extra_context)
            return _orig(request, object_id, extra_context)

        model_admin.history_view = history_view
