"""The admin of OAuth2 clients, with the scopes each may be granted."""

from django import forms
from django.contrib import admin
from oauth2_provider.admin import ApplicationAdmin as ToolkitApplicationAdmin

from wms.models import ClientScopes
from wms.oauth import SCOPES


class ClientScopesForm(forms.ModelForm):
    scopes = forms.MultipleChoiceField(
        choices=[(scope, scope) for scope in SCOPES],
        widget=forms.CheckboxSelectMultiple,
        help_text="A client without scopes gets no token.",
    )

    class Meta:
        model = ClientScopes
        fields = ["scopes"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial["scopes"] = self.instance.scopes.split()

    def clean_scopes(self):
        chosen = self.cleaned_data["scopes"]
        return " ".join(scope for scope in SCOPES if scope in chosen)


class ClientScopesInline(admin.StackedInline):
    model = ClientScopes
    form = ClientScopesForm
    can_delete = False
    min_num = 1
    max_num = 1


class ApplicationAdmin(ToolkitApplicationAdmin):
    inlines = [ClientScopesInline]
