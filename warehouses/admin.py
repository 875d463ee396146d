from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.forms.models import construct_instance
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.html import format_html

from warehouses.models import Location, Warehouse
from warehouses.services import EDITABLE, location_create, location_delete, location_update
from wms.exceptions import DomainError


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


class LocationForm(forms.ModelForm):
    """Saved through warehouses.services (paths, sibling codes, the rules on deactivating)."""

    class Meta:
        model = Location
        fields = ("warehouse", "parent", "code", "name", "barcode", "pick_order", "is_active")

    def clean(self):
        data = super().clean()
        parent, warehouse = data.get("parent"), data.get("warehouse")
        if (
            self.instance.pk is None
            and parent
            and warehouse
            and parent.warehouse_id != warehouse.pk
        ):
            self.add_error("parent", "The parent is in another warehouse.")
        return data

    def _post_clean(self):
        # The services check and write; the model's generic unique checks would only repeat
        # them less readably.
        self.instance = construct_instance(self, self.instance, self._meta.fields)


@admin.register(Location)
class LocationAdmin(admin.ModelAdmin):
    """The location tree of each warehouse: listed by path, indented, with a link to add a
    location below each one."""

    form = LocationForm
    list_display = ("tree_path", "name", "barcode", "pick_order", "is_active", "add_child")
    list_select_related = ("warehouse",)
    list_filter = ("warehouse", "is_active")
    search_fields = ("path", "code", "name", "barcode", "warehouse__code")
    ordering = ("warehouse__code", "path")
    list_per_page = 200

    def get_readonly_fields(self, request, obj=None):
        return ("warehouse", "parent", "full_path") if obj else ()

    def get_search_results(self, request, queryset, search_term):
        code, slash, rest = search_term.strip().partition("/")
        if slash and " " not in search_term.strip():
            # A full path as printed on a shelf label: MAIN/A/01.
            queryset, may_have_duplicates = (
                queryset.filter(warehouse__code__iexact=code, path__istartswith=rest),
                False,
            )
        else:
            queryset, may_have_duplicates = super().get_search_results(
                request, queryset, search_term
            )
        if request.GET.get("app_label") == "documents":
            queryset = queryset.filter(is_active=True)  # lines name active locations only
        return queryset, may_have_duplicates

    def get_fields(self, request, obj=None):
        fields = ["warehouse", "parent", "code", "name", "barcode", "pick_order", "is_active"]
        return ["full_path", *fields] if obj else fields

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        parent = Location.objects.filter(pk=request.GET.get("parent") or 0).first()
        if parent is not None:
            initial.update(parent=parent.pk, warehouse=parent.warehouse_id)
        return initial

    @admin.display(description="path", ordering="path")
    def tree_path(self, location):
        depth = location.path.count("/") + (1 if location.path else 0)
        return format_html(
            '<span style="padding-left:{}em">{}</span>', depth * 1.5, location.full_path
        )

    @admin.display(description="")
    def add_child(self, location):
        url = reverse("admin:warehouses_location_add")
        return format_html('<a href="{}?parent={}">add below</a>', url, location.pk)

    @admin.display(description="path")
    def full_path(self, location):
        return location.full_path

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        try:
            if change:
                fields = [f for f in EDITABLE if f in form.changed_data]
                saved = location_update(location_id=obj.pk, **{f: data[f] for f in fields})
            else:
                saved = location_create(
                    warehouse_id=data["warehouse"].pk,
                    parent_id=data["parent"].pk if data.get("parent") else None,
                    **{f: data[f] for f in EDITABLE},
                )
        except (ValidationError, DomainError) as exc:
            raise LocationRefused(
                " ".join(exc.messages) if isinstance(exc, ValidationError) else exc.message
            ) from exc
        obj.pk, obj.path = saved.pk, saved.path

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except LocationRefused as exc:
            self.message_user(request, f"Not saved: {exc}", messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())

    def delete_model(self, request, obj):
        location_delete(location_id=obj.pk)

    def delete_view(self, request, object_id, extra_context=None):
        try:
            return super().delete_view(request, object_id, extra_context)
        except DomainError as exc:
            self.message_user(request, f"Not deleted: {exc.message}", messages.ERROR)
            return HttpResponseRedirect(
                reverse("admin:warehouses_location_change", args=[object_id])
            )

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)  # one at a time, through the service
        return actions


class LocationRefused(Exception):
    """A service refused what the form found valid; shown as a message."""
