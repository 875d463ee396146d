"""The API tokens screen: a manager makes a user's token here and sees the key once."""

from django import forms
from django.contrib import admin
from django.template.response import TemplateResponse

from wms.models import ApiToken
from wms.tokens import api_token_create


class ApiTokenForm(forms.ModelForm):
    class Meta:
        model = ApiToken
        fields = ["user"]
        help_texts = {"user": "A token the user already has is replaced."}

    def validate_unique(self):
        """Replacing the user's token is what this form does, not an error."""


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    form = ApiTokenForm
    list_display = ("prefix", "user", "created_at")
    search_fields = ("user__username", "prefix")
    list_select_related = ("user",)
    autocomplete_fields = ("user",)

    def has_change_permission(self, request, obj=None):
        return False  # a token is made or deleted, never edited

    def save_model(self, request, obj, form, change):
        request.api_key = api_token_create(user=form.cleaned_data["user"])
        made = ApiToken.objects.get(user=form.cleaned_data["user"])
        obj.pk, obj.digest, obj.prefix, obj.created_at = (
            made.pk,
            made.digest,
            made.prefix,
            made.created_at,
        )

    def response_add(self, request, obj, post_url_continue=None):
        # The key is shown on this page only: no redirect, no message stored in a cookie.
        return TemplateResponse(
            request,
            "admin/wms/apitoken/created.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.opts,
                "title": f"API token for {obj.user}",
                "key": request.api_key,
                "user": obj.user,
            },
        )
