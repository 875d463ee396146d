"""The staff back office: Django's admin site with a login that resists password guessing."""

from django.contrib import admin
from django.contrib.admin.forms import AdminAuthenticationForm

from wms.login import RateLimitedLogin, refused


class RateLimitedLoginForm(RateLimitedLogin, AdminAuthenticationForm):
    pass


class AdminSite(admin.AdminSite):
    site_header = "WMS back office"
    site_title = "WMS"
    index_title = "Warehouse"
    # The back office is the site: no "View site" link to a public page that does not exist.
    site_url = None
    login_form = RateLimitedLoginForm

    def login(self, request, extra_context=None):
        return refused(super().login(request, extra_context))
