"""The integrator API: /api/v1/ (one route per app's viewsets), its schema and its docs."""

from django.contrib.auth.views import LogoutView
from django.urls import include, path, re_path
from django.views.generic import RedirectView
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from audit.api import AuditViewSet
from documents.api import DocumentViewSet, PickListViewSet
from integrations.api import WebhookViewSet
from inventory.api import (
    LotViewSet,
    MovementViewSet,
    PackagingViewSet,
    ProductTotalViewSet,
    ProductViewSet,
    QuantViewSet,
    ReorderPointViewSet,
    ScanView,
    StockViewSet,
)
from warehouses.api import LocationViewSet, WarehouseViewSet
from wms.api import Router, UnknownPathView
from wms.login import ApiLoginView

router = Router()
router.register("products", ProductViewSet, basename="product")
router.register("packagings", PackagingViewSet, basename="packaging")
router.register("warehouses", WarehouseViewSet, basename="warehouse")
router.register("locations", LocationViewSet, basename="location")
router.register("lots", LotViewSet, basename="lot")
router.register("quants", QuantViewSet, basename="quant")
router.register("stock", StockViewSet, basename="stock")
router.register("inventory", ProductTotalViewSet, basename="inventory")
router.register("movements", MovementViewSet, basename="movement")
router.register("documents", DocumentViewSet, basename="document")
router.register("webhooks", WebhookViewSet, basename="webhook")
router.register("reorder-points", ReorderPointViewSet, basename="reorder-point")
router.register("pick-lists", PickListViewSet, basename="pick-list")
router.register("audit", AuditViewSet, basename="audit")

AUTH_URLS = [
    path("login/", ApiLoginView.as_view(), name="login"),
    path("logout/", LogoutView.as_view(), name="logout"),
]

urlpatterns = [
    path("api/v1/scan/", ScanView.as_view(), name="scan"),
    path("api/v1/", include(router.urls)),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="api-docs"),
    # Log in and out of the browsable API with a staff session; the login shares the admin's
    # limit on attempts (wms.login).
    path("api/auth/", include((AUTH_URLS, "rest_framework"), namespace="rest_framework")),
    # /api/ itself is the way in, not an unknown path (the browsable API's breadcrumbs list it).
    path("api/", RedirectView.as_view(pattern_name="api-root"), name="api"),
    re_path(r"^api/", UnknownPathView.as_view()),
]
