"""Django's model permissions for the API, reads included, with a 403 that names what is missing."""

from rest_framework import permissions

from wms.oauth import missing_scope

_VIEW = ["%(app_label)s.view_%(model_name)s"]


class ModelPermissions(permissions.DjangoModelPermissions):
    """Reading needs the model's view permission, writing its add/change/delete permission.

    Anonymous requests are refused first; REST framework answers them with a 401. An OAuth2
    token needs the scope of the request as well (wms.oauth): its rights are the intersection.
    """

    perms_map = {
        **permissions.DjangoModelPermissions.perms_map,
        "GET": _VIEW,
        "HEAD": _VIEW,
        "OPTIONS": _VIEW,
    }

    def _queryset(self, view):
        """The check needs only the view's model: take it from the class's queryset when there
        is one, instead of building the request's queryset (annotated, for some lists) a second
        time before the view builds it again."""
        queryset = getattr(type(view), "queryset", None)
        return queryset if queryset is not None else super()._queryset(view)

    def has_permission(self, request, view):
        authenticated = bool(request.user and request.user.is_authenticated)
        if authenticated and not hasattr(view, request.method.lower()):
            return True  # a method the view does not serve: its 405 says more than a 403
        scope = missing_scope(request, view) if authenticated else None
        if scope is not None:
            self.message = f"This token lacks the scope {scope!r}; ask for a token with it."
            return False
        if not super().has_permission(request, view):
            if authenticated:
                missing = [
                    perm
                    for perm in self.get_required_permissions(
                        request.method, self._queryset(view).model
                    )
                    if not request.user.has_perm(perm)
                ]
                self.message = f"You need the permission {', '.join(missing)} to do this."
            return False
        return True


class ViewModelPermission(ModelPermissions):
    """For actions that check their own rules in a service: seeing the model is enough here."""

    perms_map = {method: _VIEW for method in ModelPermissions.perms_map}
