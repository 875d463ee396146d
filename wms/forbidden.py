"""handler403: a refusal says who may do it.

Under /admin/ a 403 is the admin's own page (header, navigation, the way back) naming the role
that may do what was refused, read from the roles the apps declare (wms.roles); a refusal
raised with a message of its own says that message. Under /api/ it stays a JSON body, like
every API error. Elsewhere, Django's own page."""

from django.contrib import admin
from django.http import JsonResponse
from django.template.response import TemplateResponse
from django.views.defaults import permission_denied as django_permission_denied

from wms.ratelimit import API_PREFIX
from wms.roles import role_permissions

# The admin's own views by the last part of their URL name, and the permission each needs.
ADMIN_ACTIONS = {
    "changelist": "view",
    "history": "view",
    "change": "change",
    "add": "add",
    "delete": "delete",
}


def needed_permission(request) -> str | None:
    """'app.action_model' for a refused page of a model's admin, None for other views."""
    match = request.resolver_match
    if match is None or match.namespace != admin.site.name or not match.url_name:
        return None
    for model_admin in admin.site._registry.values():
        opts = model_admin.model._meta
        prefix = f"{opts.app_label}_{opts.model_name}_"
        action = ADMIN_ACTIONS.get(match.url_name.removeprefix(prefix))
        if match.url_name.startswith(prefix) and action:
            return f"{opts.app_label}.{action}_{opts.model_name}"
    return None


def roles_with(permission: str | None) -> list[str]:
    if permission is None:
        return []
    return [role for role, perms in role_permissions().items() if permission in perms]


def permission_denied(request, exception=None):
    said = str(exception) if exception is not None and exception.args else ""
    if request.path.startswith(API_PREFIX):
        return JsonResponse(
            {
                "detail": said or "You do not have permission to perform this action.",
                "code": "permission_denied",
            },
            status=403,
        )
    user = getattr(request, "user", None)  # none when refused before authentication
    if not request.path.startswith(f"/{admin.site.name}/") or not (user and user.is_staff):
        return django_permission_denied(request, exception)
    context = {
        **admin.site.each_context(request),
        "title": "Not allowed",
        "said": said,
        "roles": roles_with(needed_permission(request)),
    }
    return TemplateResponse(request, "admin/wms/forbidden.html", context, status=403)
