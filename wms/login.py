"""One limit on password guessing for every way to log in: the admin and the browsable API.

Attempts are counted per client address (decided as the API's rate limit decides it, through
TRUSTED_PROXIES) and, separately, per username, in the shared `default` cache, in one group: ten
wrong passwords in the admin and ten more at /api/auth/login/ are twenty attempts, not two
allowances of ten.
"""

from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.views import LoginView
from django.core.exceptions import ValidationError
from django.forms.forms import NON_FIELD_ERRORS
from django_ratelimit.core import get_usage

from wms.signals import security_event

TOO_MANY_ATTEMPTS = "too_many_attempts"
GROUP = "login"


def login_wait(request) -> int | None:
    """Count a login attempt; the seconds to wait if this client or username is over the rate."""
    waits = []
    for key in ("ip", "post:username"):
        usage = get_usage(
            request,
            group=GROUP,
            key=key,
            rate=settings.ADMIN_LOGIN_RATE,
            method="POST",
            increment=True,
        )
        if usage and usage["should_limit"]:
            waits.append(max(usage["time_left"], 1))
    return max(waits) if waits else None


class RateLimitedLogin:
    """For an AuthenticationForm: refuse an attempt over the limit before the password is
    checked, so a refused attempt costs no hashing and opens no session."""

    def clean(self):
        wait = login_wait(self.request)
        if wait is not None:
            security_event.send(
                sender=RateLimitedLogin,
                action="login_locked",
                request=self.request,
                details={"username": self.data.get("username", "")[:150], "wait_seconds": wait},
            )
            raise ValidationError(
                "Too many login attempts. Please wait %(seconds)d seconds and try again.",
                code=TOO_MANY_ATTEMPTS,
                params={"seconds": wait},
            )
        return super().clean()


def refused(response):
    """A login page that refused an attempt over the limit is a 429."""
    form = (getattr(response, "context_data", None) or {}).get("form")
    if form is not None and form.has_error(NON_FIELD_ERRORS, TOO_MANY_ATTEMPTS):
        response.status_code = 429
    return response


class RateLimitedAuthenticationForm(RateLimitedLogin, AuthenticationForm):
    pass


class ApiLoginView(LoginView):
    """The browsable API's login (/api/auth/login/), under the same limit as the admin's."""

    template_name = "rest_framework/login.html"
    authentication_form = RateLimitedAuthenticationForm

    def post(self, request, *args, **kwargs):
        return refused(super().post(request, *args, **kwargs))
