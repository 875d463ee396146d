"""The integrator API: /api/v1/ (one route per app's viewsets), its schema and its docs."""

from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from documents.api import DocumentViewSet, PickListViewSet
from inventory.api import (
    LotViewSet,
    MovementViewSet,
    ProductTotalViewSet,
    ProductViewSet,
    QuantViewSet,
    StockViewSet,
)
from warehouses.api import LocationViewSet, WarehouseViewSet
from wms.api import Router, UnknownPathView

router = Router()
router.register("products", ProductViewSet, basename="product")
router.register("warehouses", WarehouseViewSet, basename="warehouse")
router.register("locations", LocationViewSet, basename="location")
router.register("lots", LotViewSet, basename="lot")
router.register("quants", QuantViewSet, basename="quant")
router.register("stock", StockViewSet, basename="stock")
router.register("inventory", ProductTotalViewSet, basename="inventory")
router.register("movements", MovementViewSet, basename="movement")
router.register("documents", DocumentViewSet, basename="document")
router.register("pick-lists", PickListViewSet, basename="pick-list")

urlpatterns = [
    path("api/v1/", include(router.urls)),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="api-docs"),
    # Log in and out of the browsable API with a staff session.
    path("api/auth/", include("rest_framework.urls")),
    re_path(r"^api/", UnknownPathView.as_view()),
]
