from django.contrib import admin
from django.urls import include, path

# --- Platform: health, liveness, metrics (wms) ------------------------------------------------
from wms.views import health, healthz, metrics_view

handler400 = "wms.views.bad_request"
handler403 = "wms.forbidden.permission_denied"
handler500 = "wms.views.server_error"
# --- end platform -------------------------------------------------------------------------------

urlpatterns = [
    path("admin/", admin.site.urls),
    # --- Platform: no authentication, no rate limit, no HTTPS redirect (SECURE_REDIRECT_EXEMPT)
    path("health", health, name="health"),
    path("healthz", healthz, name="healthz"),
    path("metrics", metrics_view, name="metrics"),
]

# --- Integrator API: /api/v1/, /api/schema/, /api/docs/ -----------------------------------
urlpatterns += [path("", include("config.api_urls"))]

# --- OAuth2 for machines: token, revocation, introspection (client credentials only) ----------
from oauth2_provider import views as oauth2_views  # noqa: E402

from wms.oauth_views import IntrospectView  # noqa: E402

urlpatterns += [
    path("o/token/", oauth2_views.TokenView.as_view(), name="oauth2-token"),
    path("o/revoke_token/", oauth2_views.RevokeTokenView.as_view(), name="oauth2-revoke"),
    path("o/introspect/", IntrospectView.as_view(), name="oauth2-introspect"),
]
