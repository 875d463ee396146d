from django.apps import AppConfig


class WmsConfig(AppConfig):
    name = "wms"
    verbose_name = "WMS platform"
