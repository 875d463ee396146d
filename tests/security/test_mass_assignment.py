"""Mass assignment: no write endpoint takes a field the client must not set.

Two walks: the OpenAPI schema of every POST/PUT/PATCH body (what each serializer accepts, nested
ones included) against the names of fields no client may write; and a real request to every
create and update endpoint carrying all of them, checking none took effect. A write endpoint the
second walk does not know fails the test until it is added.
"""

import pytest
from django.contrib.auth.models import User
from drf_spectacular.generators import SchemaGenerator

from documents.models import Document, PickList
from integrations.models import Subscription
from inventory.models import Lot, Packaging, Product, ReorderPoint
from tests.factories import ProductFactory, WarehouseFactory
from tests.support.documents import make_document
from tests.support.users import api_client, user_with
from warehouses.models import Location, Warehouse

FORBIDDEN = {
    "id",
    "user",
    "created_by",
    "is_staff",
    "is_superuser",
    "status",
    "posted_at",
    "balance_after",
    "number",
    "secret",
    "created_at",
    "cancelled_at",
}
# Where one of those names is the client's to give: a draft names its warehouse, a reorder
# point its warehouse; a location's warehouse is set once, at creation.
WRITABLE = {
    ("post", "/api/v1/documents/"): {"warehouse"},
    ("put", "/api/v1/documents/{id}/"): {"warehouse"},
    ("patch", "/api/v1/documents/{id}/"): {"warehouse"},
    ("post", "/api/v1/locations/"): {"warehouse"},
    ("post", "/api/v1/reorder-points/"): {"warehouse"},
    ("put", "/api/v1/reorder-points/{id}/"): {"warehouse"},
    ("patch", "/api/v1/reorder-points/{id}/"): {"warehouse"},
}


def _properties(schema, components, seen=()):
    if "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        if name in seen:
            return set()
        return _properties(components[name], components, (*seen, name))
    names = set(schema.get("properties", {}))
    children = [*schema.get("properties", {}).values()]
    if isinstance(schema.get("items"), dict):
        children.append(schema["items"])
    for child in children:
        names |= _properties(child, components, seen)
    for key in ("allOf", "oneOf", "anyOf"):
        for child in schema.get(key, []):
            names |= _properties(child, components, seen)
    return names


def write_operations():
    schema = SchemaGenerator().get_schema(request=None, public=True)
    components = schema["components"]["schemas"]
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            if method in ("post", "put", "patch"):
                bodies = operation.get("requestBody", {}).get("content", {}).values()
                fields = set().union(*(_properties(b["schema"], components) for b in bodies))
                yield method, path, fields


def test_no_write_body_accepts_a_protected_field(db):
    offending = {
        (method, path): sorted((fields & FORBIDDEN) - WRITABLE.get((method, path), set()))
        for method, path, fields in write_operations()
    }
    assert {k: v for k, v in offending.items() if v} == {}


@pytest.fixture
def world(db):
    other_user = user_with(is_staff=True, is_superuser=True)
    warehouse, other = WarehouseFactory(), WarehouseFactory()
    product = ProductFactory()
    return {"other_user": other_user, "warehouse": warehouse, "other": other, "product": product}


def injected(world) -> dict:
    return {
        "id": 987654,
        "user": world["other_user"].pk,
        "created_by": world["other_user"].pk,
        "is_staff": True,
        "is_superuser": True,
        "status": "posted",
        "posted_at": "2020-01-01T00:00:00Z",
        "balance_after": 12345,
        "number": "HACK-1",
        "secret": "whsec_hacked",
        "created_at": "2000-01-01T00:00:00Z",
    }


def _cases(world):
    """(method, path template, model, body, an existing object for updates)."""
    w, p = world["warehouse"], world["product"]
    line = {"product": p.pk, "quantity": 1, **injected(world)}
    draft = make_document("receipt", w, [(p, 1)])
    location = Location.objects.create(warehouse=w, parent=w.default_location, code="X1", name="x")
    lot = Lot.objects.create(product=ProductFactory(tracking="lot"), code="L1")
    point = ReorderPoint.objects.create(
        product=p, warehouse=world["other"], min_quantity=1, target_quantity=5
    )
    hook = Subscription.objects.create(url="http://127.0.0.1:9/x", events=["document.posted"])
    pack = Packaging.objects.create(product=p, code="inner", name="Inner", quantity=6)
    pack_body = {"product": p.pk, "code": "case", "name": "Case", "quantity": 12}
    product_body = {"sku": "MA-1", "name": "n"}
    doc_body = {"doc_type": "receipt", "warehouse": w.pk, "lines": [line]}
    return [
        ("post", "/api/v1/products/", Product, product_body, None),
        ("patch", "/api/v1/products/{id}/", Product, {"name": "m"}, p),
        ("put", "/api/v1/products/{id}/", Product, {"sku": p.sku, "name": "m"}, p),
        ("post", "/api/v1/warehouses/", Warehouse, {"code": "MA", "name": "n"}, None),
        ("patch", "/api/v1/warehouses/{id}/", Warehouse, {"name": "m"}, w),
        ("put", "/api/v1/warehouses/{id}/", Warehouse, {"code": w.code, "name": "m"}, w),
        (
            "post",
            "/api/v1/locations/",
            Location,
            {"warehouse": w.pk, "parent": w.default_location.pk, "code": "Y1", "name": "y"},
            None,
        ),
        (
            "patch",
            "/api/v1/locations/{id}/",
            Location,
            {"name": "z", "warehouse": world["other"].pk},
            location,
        ),
        (
            "put",
            "/api/v1/locations/{id}/",
            Location,
            {"code": "X1", "name": "z", "warehouse": world["other"].pk},
            location,
        ),
        ("post", "/api/v1/lots/", Lot, {"product": lot.product_id, "code": "L2"}, None),
        ("patch", "/api/v1/lots/{id}/", Lot, {"code": "L3"}, lot),
        ("put", "/api/v1/lots/{id}/", Lot, {"product": lot.product_id, "code": "L4"}, lot),
        (
            "post",
            "/api/v1/reorder-points/",
            ReorderPoint,
            {"product": p.pk, "warehouse": w.pk, "min_quantity": 1, "target_quantity": 2},
            None,
        ),
        ("patch", "/api/v1/reorder-points/{id}/", ReorderPoint, {"min_quantity": 2}, point),
        (
            "put",
            "/api/v1/reorder-points/{id}/",
            ReorderPoint,
            {
                "product": p.pk,
                "warehouse": world["other"].pk,
                "min_quantity": 2,
                "target_quantity": 9,
            },
            point,
        ),
        ("post", "/api/v1/documents/", Document, doc_body, None),
        ("patch", "/api/v1/documents/{id}/", Document, {"note": "n"}, draft),
        ("put", "/api/v1/documents/{id}/", Document, {"warehouse": w.pk, "lines": [line]}, draft),
        ("post", "/api/v1/documents/{id}/reserve/", Document, {}, None),
        ("post", "/api/v1/documents/{id}/unreserve/", Document, {}, None),
        ("post", "/api/v1/documents/{id}/post/", Document, {}, None),
        ("post", "/api/v1/documents/{id}/cancel/", Document, {"reason": "r"}, None),
        ("post", "/api/v1/pick-lists/", PickList, {"documents": [draft.pk]}, None),
        (
            "post",
            "/api/v1/webhooks/",
            Subscription,
            {"url": "http://127.0.0.1:9/y", "events": ["document.posted"]},
            None,
        ),
        ("patch", "/api/v1/webhooks/{id}/", Subscription, {"description": "d"}, hook),
        (
            "put",
            "/api/v1/webhooks/{id}/",
            Subscription,
            {"url": hook.url, "events": hook.events},
            hook,
        ),
        ("post", "/api/v1/packagings/", Packaging, pack_body, None),
        ("patch", "/api/v1/packagings/{id}/", Packaging, {"name": "Inner pack"}, pack),
        ("put", "/api/v1/packagings/{id}/", Packaging, {**pack_body, "code": "inner"}, pack),
        ("post", "/api/v1/documents/start-count/", Document, {"warehouse": w.pk}, None),
        ("post", "/api/v1/documents/replenish/", Document, {"points": [point.pk]}, None),
        ("post", "/api/v1/webhooks/{id}/rotate-secret/", Subscription, {}, None),
        ("post", "/api/v1/webhooks/{id}/test/", Subscription, {}, None),
    ]


def test_every_write_endpoint_is_walked(world):
    walked = {(method, path) for method, path, *_ in _cases(world)}
    assert {(m, p) for m, p, _ in write_operations() if p.startswith("/api/v1/")} <= walked


def _unchanged_by_injection(obj, world, requester):
    if obj is None:
        return  # refused (a document action in the wrong state): nothing was written
    assert obj.pk != 987654
    if hasattr(obj, "created_by_id"):
        assert obj.created_by_id in (None, requester.pk)
    if isinstance(obj, Document):
        assert obj.number != "HACK-1" and obj.posted_at is None or obj.posted_at.year != 2020
    if isinstance(obj, Subscription):
        assert obj.secret != "whsec_hacked"
    if hasattr(obj, "created_at") and obj.created_at is not None:
        assert obj.created_at.year != 2000
    if isinstance(obj, Location) and obj.code != "Y1":
        assert obj.warehouse_id == world["warehouse"].pk


def test_injected_fields_never_take_effect(world, settings):
    settings.WEBHOOK_ALLOW_PRIVATE_URLS = True
    requester = user_with(is_superuser=True)
    client = api_client(requester)
    for method, path, model, body, existing in _cases(world):
        target = existing or model.objects.order_by("-pk").first()
        url = path.replace("{id}", str(target.pk)) if "{id}" in path else path
        response = getattr(client, method)(url, {**body, **injected(world)})
        assert response.status_code < 500, (method, path, response.content)
        if not path.endswith(("reserve/", "unreserve/", "post/", "cancel/", "pick-lists/")):
            # Taken with the extra fields ignored, or refused for naming them: not for another
            # reason, which would leave the walk proving nothing.
            refused_for_them = response.status_code == 400 and set(
                response.json().get("errors", {})
            ) <= set(injected(world)) | {"warehouse"}
            assert response.status_code in (200, 201, 202) or refused_for_them, (
                method,
                path,
                response.content,
            )
        obj = (
            model.objects.order_by("-pk").first()
            if existing is None
            else model.objects.get(pk=existing.pk)
        )
        _unchanged_by_injection(obj, world, requester)
        assert not User.objects.filter(pk=requester.pk, is_staff=True).exists()
