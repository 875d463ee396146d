"""The staff back office: Django's admin site with a login that resists password guessing."""

from django.conf import settings
from django.contrib import admin
from django.contrib.admin.forms import AdminAuthenticationForm
from django.core.exceptions import ValidationError
from django.forms.forms import NON_FIELD_ERRORS
from django_ratelimit.core import get_usage

TOO_MANY_ATTEMPTS = "too_many_attempts"


def login_wait(request) -> int | None:
    """Count a login attempt; the seconds to wait if this client or username is over the rate.

    Counted per client address and per username, so neither one address trying many usernames
    nor many addresses trying one username get far. Counters live in the `default` cache.
    """
    rate = settings.ADMIN_LOGIN_RATE
    waits = []
    for key in ("ip", "post:username"):
        usage = get_usage(
            request, group="admin-login", key=key, rate=rate, method="POST", increment=True
        )
        if usage and usage["should_limit"]:
            waits.append(max(usage["time_left"], 1))
    return max(waits) if waits else None


class RateLimitedLoginForm(AdminAuthenticationForm):
    def clean(self):
        # Checked before the password is: a refused attempt costs no hashing.
        wait = login_wait(self.request)
        if wait is not None:
            raise ValidationError(
                "Too many login attempts. Please wait %(seconds)d seconds and try again.",
                code=TOO_MANY_ATTEMPTS,
                params={"seconds": wait},
            )
        return super().clean()


class AdminSite(admin.AdminSite):
    site_header = "WMS back office"
    site_title = "WMS"
    index_title = "Warehouse"
    # The back office is the site: no "View site" link to a public page that does not exist.
    site_url = None
    login_form = RateLimitedLoginForm

    def login(self, request, extra_context=None):
        response = super().login(request, extra_context)
        form = (getattr(response, "context_data", None) or {}).get("form")
        if form is not None and form.has_error(NON_FIELD_ERRORS, TOO_MANY_ATTEMPTS):
            response.status_code = 429
        return response
