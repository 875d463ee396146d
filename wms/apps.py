from django.apps import AppConfig
from django.db.models.signals import post_migrate


class WmsConfig(AppConfig):
    name = "wms"
    verbose_name = "WMS platform"

    def ready(self):
        # Registered on import: the system checks, and the OpenAPI scheme of Bearer tokens.
        from wms import checks, oauth_schema  # noqa: F401
        from wms.roles import sync_roles_after_migrate

        # Roles are synced from the apps' declarations after every migrate, not by data
        # migrations importing live code.
        post_migrate.connect(sync_roles_after_migrate, sender=self)
