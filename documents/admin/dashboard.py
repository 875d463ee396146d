"""The admin's start page (documents.dashboard's figures) and the list its failures link to."""

from datetime import timedelta

from django.contrib import admin
from django.utils import timezone

from documents.models import PostingFailure
from wms.admin_mixins import ReadOnlyAdminMixin, change_link

admin.site.index_template = "admin/dashboard_index.html"


class RecentFilter(admin.SimpleListFilter):
    title = "when"
    parameter_name = "recent"
    WINDOWS = {"1d": timedelta(days=1), "7d": timedelta(days=7), "30d": timedelta(days=30)}

    def lookups(self, request, model_admin):
        return (("1d", "last day"), ("7d", "last 7 days"), ("30d", "last 30 days"))

    def queryset(self, request, queryset):
        window = self.WINDOWS.get(self.value())
        return queryset.filter(created_at__gte=timezone.now() - window) if window else queryset


@admin.register(PostingFailure)
class PostingFailureAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Refused or failed attempts to post: what was short, who tried, when."""

    list_display = ("created_at", "document_link", "doc_type", "reason", "message", "user")
    list_select_related = ("user",)
    list_filter = (RecentFilter, "reason", "doc_type")
    search_fields = ("document_number",)
    date_hierarchy = "created_at"

    @admin.display(description="document", ordering="document_number")
    def document_link(self, failure):
        if failure.document_id is None:
            return failure.document_number or "—"
        return change_link("documents_document", failure.document_id, failure.document_number)
