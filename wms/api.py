"""Pieces every app's API is built from."""

from django.urls import Resolver404, register_converter, resolve
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, viewsets
from rest_framework.exceptions import NotFound
from rest_framework.permissions import AllowAny
from rest_framework.routers import DefaultRouter
from rest_framework.views import APIView

from wms.api_errors import responses
from wms.db import delete_unreferenced
from wms.idempotency import PARAMETER as IDEMPOTENCY_KEY
from wms.idempotency import idempotent


class IdConverter:
    """Ids in paths are positive integers: /products/-1/ or /products/abc/ match no route."""

    regex = "[1-9][0-9]{0,18}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value) -> str:
        return str(value)


register_converter(IdConverter, "id")


class StrictIntegerField(serializers.IntegerField):
    """A JSON integer only: DRF's IntegerField also takes 7.0 and "7" as 7, which hides a
    client's bug (a float quantity computed somewhere) until it is 7.5."""

    default_error_messages = {"invalid": "A JSON integer is required (not a string or a float)."}

    def to_internal_value(self, data):
        if isinstance(data, bool) or not isinstance(data, int):
            self.fail("invalid")
        return super().to_internal_value(data)


class Router(DefaultRouter):
    include_format_suffixes = False

    def __init__(self):
        super().__init__(use_regex_path=False)
        self._default_value_pattern = "id"


class IdempotentCreateMixin:
    @idempotent
    def create(self, request, *args, **kwargs):
        return super().create(request, *args, **kwargs)


class CatalogueViewSet(
    IdempotentCreateMixin,
    mixins.CreateModelMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """Plain records (products, warehouses): every write is the model's own, no service rule,
    except that a row others refer to is deactivated, never deleted."""

    def perform_destroy(self, instance):
        delete_unreferenced(instance, instead="set is_active to false instead.")


def catalogue_schema(serializer, name: str):
    """The exact OpenAPI description of a CatalogueViewSet over ``serializer``."""
    return extend_schema_view(
        list=extend_schema(
            summary=f"List {name}s", responses=responses({200: serializer(many=True)}, 400, 404)
        ),
        create=extend_schema(
            summary=f"Create a {name}",
            parameters=[IDEMPOTENCY_KEY],
            responses=responses({201: serializer}, 400, 409, 413, 422),
        ),
        retrieve=extend_schema(
            summary=f"Get a {name}", responses=responses({200: serializer}, 404)
        ),
        update=extend_schema(
            summary=f"Replace a {name}",
            responses=responses({200: serializer}, 400, 404, 409, 413),
        ),
        partial_update=extend_schema(
            summary=f"Change a {name}",
            responses=responses({200: serializer}, 400, 404, 409, 413),
        ),
        destroy=extend_schema(
            summary=f"Delete an unused {name}",
            description="Refused with 409 `in_use` while anything refers to it; deactivate it.",
            responses=responses({204: None}, 404, 409),
        ),
    )


class UnknownPathView(APIView):
    """Any path under /api/ that names no endpoint: a JSON 404 like every other API error."""

    authentication_classes = []
    permission_classes = [AllowAny]
    schema = None
    names_no_endpoint = True  # wms.renderers leaves it out of the breadcrumbs

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        path = request.path
        if not path.endswith("/") and is_endpoint(f"{path}/"):
            raise NotFound(f"Not found. API paths end with a slash: {path}/")
        raise NotFound()

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        del response["Allow"]  # nothing is allowed on a path that does not exist
        return response


def is_endpoint(path: str) -> bool:
    try:
        match = resolve(path)
    except Resolver404:
        return False
    return not getattr(getattr(match.func, "view_class", None), "names_no_endpoint", False)
