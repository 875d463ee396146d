"""The staff roles, as Django groups shared by the API and the admin.

Each app declares what its roles may do in its own ``roles.py`` (``ROLE_PERMISSIONS = {role:
[permission, ...]}``); after every ``migrate`` one ``post_migrate`` receiver gives each group
exactly the union of them (a permission no app declares any more is taken away). wms knows the
role names only, never the business.
"""

from importlib import import_module

from django.apps import apps
from django.contrib.auth.management import create_permissions
from django.utils.module_loading import module_has_submodule

CLERK = "Warehouse clerk"
MANAGER = "Warehouse manager"
ROLES = (CLERK, MANAGER)


def role_permissions() -> dict[str, list[str]]:
    """{role: every permission the installed apps declare for it}."""
    merged: dict[str, list[str]] = {role: [] for role in ROLES}
    for config in apps.get_app_configs():
        if config.name != __package__ and module_has_submodule(config.module, "roles"):
            declared = import_module(f"{config.name}.roles").ROLE_PERMISSIONS
            for role, perms in declared.items():
                # An app may bring a role of its own (audit's Auditor) besides the staff's.
                merged.setdefault(role, []).extend(perms)
    return merged


def sync_roles(group_model=None, permission_model=None) -> None:
    """Create or update the role groups so that each has exactly its permissions."""
    group_model = group_model or apps.get_model("auth", "Group")
    permission_model = permission_model or apps.get_model("auth", "Permission")
    for name, perms in role_permissions().items():
        group, _ = group_model.objects.get_or_create(name=name)
        wanted = []
        for perm in perms:
            app_label, codename = perm.split(".")
            wanted += permission_model.objects.filter(
                content_type__app_label=app_label, codename=codename
            )
        group.permissions.set(wanted)


def sync_roles_after_migrate(sender, using="default", **kwargs) -> None:
    """post_migrate of the wms app: the permissions of every app first (Django makes each
    app's in its own post_migrate, some of which run after this one), then the groups."""
    for config in apps.get_app_configs():
        create_permissions(config, verbosity=0, using=using)
    sync_roles()
