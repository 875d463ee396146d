"""Webhook subscriptions and their delivery logs in the back office (managers)."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.html import format_html

from integrations.events import EVENT_TYPES
from integrations.models import Delivery, Subscription
from integrations.services import (
    subscription_create,
    subscription_rotate_secret,
    subscription_send_test,
    subscription_update,
    subscription_validate,
)
from wms.admin_mixins import ReadOnlyAdminMixin


class SubscriptionForm(forms.ModelForm):
    url = forms.URLField(
        label="URL",
        max_length=2000,
        assume_scheme="https",
        widget=forms.URLInput(attrs={"style": "width: min(40em, 100%)"}),
        help_text="http(s); loopback, private and link-local addresses are refused.",
    )
    events = forms.MultipleChoiceField(
        choices=[(name, name) for name in EVENT_TYPES],
        widget=forms.CheckboxSelectMultiple,
        help_text=" ".join(f"{name}: {text}" for name, text in EVENT_TYPES.items()),
    )

    class Meta:
        model = Subscription
        fields = ["url", "events", "is_active", "description"]

    def clean(self):
        cleaned = super().clean()
        if "url" in cleaned and "events" in cleaned:
            try:
                subscription_validate(url=cleaned["url"], events=cleaned["events"])
            except ValidationError as exc:
                for field, errors in exc.message_dict.items():
                    self.add_error(field, errors)
        return cleaned


@admin.register(Subscription)
class SubscriptionAdmin(admin.ModelAdmin):
    form = SubscriptionForm
    list_display = (
        "url",
        "is_active",
        "event_list",
        "consecutive_failures",
        "last_failure_at",
        "delivery_log",
    )
    list_filter = ("is_active",)
    search_fields = ("url", "description")
    readonly_fields = ("consecutive_failures", "last_failure_at", "last_success_at", "created_at")

    def get_fields(self, request, obj=None):
        fields = SubscriptionForm.Meta.fields
        return fields if obj is None else [*fields, *self.readonly_fields]

    actions = ["send_test_event", "pause", "resume", "rotate_secret"]

    @admin.display(description="events")
    def event_list(self, obj):
        return ", ".join(obj.events)

    @admin.display(description="deliveries")
    def delivery_log(self, obj):
        url = reverse("admin:integrations_delivery_changelist")
        return format_html('<a href="{}?subscription__id__exact={}">log</a>', url, obj.pk)

    def save_model(self, request, obj, form, change):
        fields = {name: form.cleaned_data[name] for name in SubscriptionForm.Meta.fields}
        if change:
            saved = subscription_update(subscription_id=obj.pk, **fields)
        else:
            saved = subscription_create(**fields, created_by=request.user)
            self._show_secret(request, saved)
        obj.pk, obj.secret = saved.pk, saved.secret

    def _show_secret(self, request, subscription):
        messages.warning(
            request,
            f"Signing secret of {subscription.url}, shown only now: {subscription.secret}",
        )

    @admin.action(description="Send a test event", permissions=["change"])
    def send_test_event(self, request, queryset):
        for subscription in queryset:
            subscription_send_test(subscription_id=subscription.pk)
        messages.success(request, f"Test events queued for {queryset.count()} subscriptions.")

    @admin.action(description="Pause (send nothing until resumed)", permissions=["change"])
    def pause(self, request, queryset):
        for subscription in queryset:
            subscription_update(subscription_id=subscription.pk, is_active=False)

    @admin.action(description="Resume", permissions=["change"])
    def resume(self, request, queryset):
        for subscription in queryset:
            subscription_update(subscription_id=subscription.pk, is_active=True)

    @admin.action(description="Rotate the signing secret", permissions=["change"])
    def rotate_secret(self, request, queryset):
        for subscription in queryset:
            self._show_secret(request, subscription_rotate_secret(subscription_id=subscription.pk))


@admin.register(Delivery)
class DeliveryAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = (
        "event_type",
        "status",
        "attempts",
        "response_code",
        "latency_ms",
        "next_attempt_at",
        "last_attempt_at",
        "subscription",
    )
    list_filter = ("status", "subscription")
    list_select_related = ("event", "subscription")
    ordering = ("-id",)
    show_full_result_count = False

    @admin.display(description="event")
    def event_type(self, obj):
        return obj.event.type

    @admin.display(description="webhook-id")
    def webhook_id(self, obj):
        return obj.event.message_id
