"""Django's ModelBackend with a user's permissions read in one query instead of two.

Every API request checks a model permission, and a user object is new with each request, so
ModelBackend's per-object cache is filled each time: one query for the user's own permissions,
one for its groups'. Here one query (a UNION) fills the same cache with the same set; nothing is
kept between requests, so a permission granted or revoked counts from the next request.
"""

from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Permission


class ModelBackendOneQuery(ModelBackend):
    def get_all_permissions(self, user_obj, obj=None):
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        if not hasattr(user_obj, "_perm_cache"):
            fields = ("content_type__app_label", "codename")
            if user_obj.is_superuser:
                rows = Permission.objects.values_list(*fields)
            else:
                # Unordered halves: Permission's default ordering would put an ORDER BY in
                # each, which SQLite refuses inside a UNION.
                rows = (
                    Permission.objects.filter(user=user_obj)
                    .order_by()
                    .values_list(*fields)
                    .union(
                        Permission.objects.filter(group__user=user_obj)
                        .order_by()
                        .values_list(*fields)
                    )
                )
            user_obj._perm_cache = {f"{app}.{codename}" for app, codename in rows}
        return user_obj._perm_cache
