from django.contrib.admin.apps import AdminConfig


class WmsAdminConfig(AdminConfig):
    """Django's admin, served by the WMS admin site (its own titles, a rate-limited login).

    Kept apart from wms.admin_site: an AppConfig module is imported before the models are
    loaded, the site module only once they are.
    """

    default_site = "wms.admin_site.AdminSite"
