from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
]

# --- Integrator API: /api/v1/, /api/schema/, /api/docs/ -----------------------------------
urlpatterns += [path("", include("config.api_urls"))]
