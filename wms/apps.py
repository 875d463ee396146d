from django.apps import AppConfig


class WmsConfig(AppConfig):
    name = "wms"
    verbose_name = "WMS platform"

    def ready(self):
        from wms import checks  # noqa: F401  (registers the system checks)
