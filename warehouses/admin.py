from django.contrib import admin

from warehouses.models import Warehouse


@admin.register(Warehouse)
class WarehouseAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "location", "is_active", "updated_at")
    list_filter = ("is_active",)
    search_fields = ("code", "name", "location")
    ordering = ("code",)
    readonly_fields = ("created_at", "updated_at")

    def get_search_results(self, request, queryset, search_term):
        queryset, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        # Document forms pick from active warehouses only (documents.services refuses others;
        # offering them would only lead to that error).
        if request.GET.get("app_label") == "documents":
            queryset = queryset.filter(is_active=True)
        return queryset, may_have_duplicates
