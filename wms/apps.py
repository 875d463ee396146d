from django.apps import AppConfig


class WmsConfig(AppConfig):
    name = "wms"
    verbose_name = "WMS platform"

    def ready(self):
        # Registered on import: the system checks, and the OpenAPI scheme of Bearer tokens.
        from wms import checks, oauth_schema  # noqa: F401
