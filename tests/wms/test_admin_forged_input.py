"""Forged input anywhere in the back office is a 400, a 403/404, a form error or a redirect
with a message: never a 500, and nothing in the database changes.

Walked on SQLite and on PostgreSQL: they differ exactly here (PostgreSQL refuses a NUL byte in
text and an integer over 8 bytes at the driver, SQLite takes both).
"""

from datetime import date

import pytest
from django.contrib import admin
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from documents.models import Document, PickList
from documents.services import (
    LineInput,
    count_start,
    document_create,
    document_post,
    document_reserve,
    pick_list_create,
)
from tests.factories import ProductFactory
from tests.support.users import user_with
from tests.wms.admin_walk import (
    FORGED_IDS,
    FORM_ROUNDS,
    HUGE,
    SITE_VIEWS,
    STANDARD_VIEWS,
    Walk,
    admin_routes,
    changelist_queries,
    forged_selection,
    forged_urls,
    form_values,
    request_as,
)
from warehouses.services import location_create
from wms.roles import CLERK

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(warehouse):
    """One of each thing the screens show: stock on a shelf, a lot, a posted receipt and
    shipment, a reserved shipment on a pick list, a draft."""
    shelf = location_create(warehouse_id=warehouse.pk, code="A", pick_order=1, barcode="LOC-A")
    milk = ProductFactory(sku="MILK", tracking="lot")
    box = ProductFactory(sku="BOX")
    lines = [
        LineInput(milk.pk, 10, location_id=shelf.pk, lot="L1", expires_on=date(2027, 3, 31)),
        LineInput(box.pk, 10, location_id=shelf.pk),
    ]
    receipt = document_create(doc_type="receipt", warehouse_id=warehouse.pk, lines=lines)
    document_post(document_id=receipt.pk)
    shipped = document_create(
        doc_type="shipment", warehouse_id=warehouse.pk, lines=[LineInput(box.pk, 1)]
    )
    document_post(document_id=shipped.pk)
    reserved = document_create(
        doc_type="shipment", warehouse_id=warehouse.pk, lines=[LineInput(box.pk, 2)]
    )
    document_reserve(document_id=reserved.pk)
    pick_list = pick_list_create(document_ids=[reserved.pk], user=None)
    draft = document_create(
        doc_type="shipment", warehouse_id=warehouse.pk, lines=[LineInput(box.pk, 1)]
    )
    count = count_start(warehouse_id=warehouse.pk, location_id=shelf.pk)
    return {
        "count": count,
        "shelf": shelf,
        "reserved": reserved,
        "shipped": shipped,
        "draft": draft,
        "pick_list": pick_list,
        "line": reserved.lines.get(),
    }


@pytest.fixture(params=["superuser", "clerk"])
def walk(request, client, world):
    if request.param == "superuser":
        user = user_with(is_staff=True, is_superuser=True)
    else:
        user = user_with(groups=[CLERK], is_staff=True)
    client.force_login(user)
    client.raise_request_exception = False
    walk = Walk(client)
    walk.user = user
    return walk


def _registry():
    return sorted(admin.site._registry.items(), key=lambda item: item[0]._meta.label)


def test_forged_ids_in_every_url(walk):
    body = {"reason": "\x00", "documents": list(FORGED_IDS), "_post": "1", "code": "\x00"}
    for route, name in admin_routes():
        with walk.group(route):
            for url in forged_urls(route):
                walk.send("get", url, name=name)
                walk.send("post", url, body, name=name)
    walk.assert_clean()


def test_forged_filters_on_every_list(walk):
    request = request_as(walk.user)
    for model, model_admin in _registry():
        prefix = f"{model._meta.app_label}_{model._meta.model_name}"
        urls = [reverse(f"admin:{prefix}_changelist")]
        if any(name == f"{prefix}_export" for _, name in admin_routes()):
            urls.append(reverse(f"admin:{prefix}_export"))
        with walk.group(f"filters of {model._meta.label}"):
            for url in urls:
                for query in changelist_queries(model_admin, request):
                    walk.send("get", f"{url}?{query}", name="changelist")
    walk.assert_clean()


def test_forged_selections_on_every_action(walk):
    request = request_as(walk.user)
    for model, model_admin in _registry():
        url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        with walk.group(f"actions of {model._meta.label}"):
            for data in forged_selection(model_admin, request):
                walk.send("post", url, data, name="changelist")
    walk.assert_clean()


def _management(response) -> dict:
    """One new row in each inline formset of an add/change page."""
    data = {}
    for inline in (response.context or {}).get("inline_admin_formsets", []):
        prefix = inline.formset.prefix
        data |= {
            f"{prefix}-TOTAL_FORMS": "1",
            f"{prefix}-INITIAL_FORMS": "0",
            f"{prefix}-MIN_NUM_FORMS": "0",
            f"{prefix}-MAX_NUM_FORMS": "1000",
        }
    return data


def _forged_form(response, number: str, text: str) -> dict:
    """Every field of the page's form and of a new row of each inline forged."""
    data = form_values(response.context["adminform"].form.fields, number, text)
    for inline in response.context.get("inline_admin_formsets", []):
        row = inline.formset.empty_form
        data |= form_values(row.fields, number, text, prefix=f"{inline.formset.prefix}-0-")
    return data | _management(response)


def test_forged_values_in_every_add_and_change_form(walk):
    for model, _ in _registry():
        prefix = f"{model._meta.app_label}_{model._meta.model_name}"
        pages = [reverse(f"admin:{prefix}_add")]
        obj = model._default_manager.order_by("pk").first()
        if obj is not None:
            pages.append(reverse(f"admin:{prefix}_change", args=[obj.pk]))
        for url in pages:
            with walk.group(url):
                _forge_form(walk, url)
    walk.assert_clean()


def _forge_form(walk, url):
    page = walk.send("get", url, name="change")
    if page is None or page.status_code != 200 or "adminform" not in page.context:
        return
    for number, text in FORM_ROUNDS:
        data = _forged_form(page, number, text)
        walk.send("post", url, data, name="change")
        walk.send("post", url, data | {"_post": "1", "_continue": "1"}, name="change")
    # A tampered management form.
    for number in ("abc", HUGE):
        walk.send("post", url, dict.fromkeys(_management(page), number), name="change")


def test_forged_autocomplete_queries(walk):
    url = reverse("admin:autocomplete")
    fields = [
        (model._meta.app_label, model._meta.model_name, field)
        for model, model_admin in _registry()
        for field in model_admin.autocomplete_fields
    ]
    fields += [("documents", "documentline", "product"), ("zzz", "\x00", "id")]
    for app_label, model_name, field in fields:
        for term in ("\x00", "a\x00b", HUGE, "²"):
            query = {"app_label": app_label, "model_name": model_name, "field_name": field}
            walk.send("get", url, query | {"term": term}, name="autocomplete")
            walk.send("get", url, query | {"term": "a", "page": term}, name="autocomplete")
            walk.send("get", url, {**query, "field_name": term, "term": "a"}, name="autocomplete")
    walk.assert_clean()


GARBAGE_FILES = (
    b"\xff\xfe\x00s\x00k\x00u\x00",  # UTF-16
    b"sku,name\n\x00\x00,\xff\xfe\n",
    b"sku,name,unit\nA\x00,B\x00,pcs\n",
    b"sku,name,unit,reorder_level\nA,B,zzz," + HUGE.encode() + b"\n",
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
    b"",
)


REQUEST_ID = b"00000000-0000-4000-8000-000000000001"


def _custom(world, user):
    """Forged requests for every view a screen adds to Django's own (name -> requests)."""
    reserved, line = world["reserved"], world["line"]
    pick = world["pick_list"].pk
    files = [{"file": SimpleUploadedFile("p.csv", raw, "text/csv")} for raw in GARBAGE_FILES]
    texts = [{"csv_text": "sku,name\n\x00,\x00\n", "_confirm": "1"}, {"csv_text": HUGE}]
    shipped = [
        {f"shipped-{line.pk}": value} for value in ("\x00", HUGE, "-1", "²", "1.5", "abc", "")
    ] + [{f"shipped-{HUGE}": "1"}, {"shipped-abc": "1"}, {f"shipped-{line.pk}\x00": "1"}]
    phone = [b"\x00", b"[]", b'{"task": "\\u0000", "step": "shelf", "code": "\\u0000"}']
    phone += [b'{"task": 1, "quantity": "%s", "request_id": "zzz"}' % HUGE.encode()]
    count, shelf = world["count"].pk, world["shelf"].pk
    counted = [
        b'{"request_id": "zzz", "shelf": %s}' % HUGE.encode(),
        b'{"request_id": "%s", "shelf": "\\u00b2", "items": "\\u0000"}' % REQUEST_ID,
        b'{"request_id": "%s", "shelf": %d, "items": [{"product": %s, "quantity": %s}]}'
        % (REQUEST_ID, shelf, HUGE.encode(), HUGE.encode()),
    ]
    forged_form = {
        "warehouse": HUGE,
        "place": "\x00",
        "blind": "\x00",
        "location": "abc",
        "product": ["²", HUGE],
    }
    return {
        "documents_document_scan": [("get", [], {"code": c}) for c in ("\x00", HUGE, "²")],
        "documents_document_in_stock": [
            ("get", [], {"warehouse": w, "product": p})
            for w, p in ((HUGE, "1"), ("1", "²"), ("\x00", HUGE), ("1", ["1", "1\x00"]))
        ],
        "documents_document_start_count": [("post", [], forged_form)],
        "documents_document_replenish": [("post", [], forged_form | {"products": "\x00"})],
        "documents_document_post": [("post", [reserved.pk], body) for body in shipped],
        "documents_document_cancel": [("post", [world["draft"].pk], {"reason": "\x00"})],
        "documents_document_paper": [("get", [reserved.pk], {"blind": "\x00", "packs": HUGE})],
        "documents_document_reserve": [("post", [world["shipped"].pk], {"x": "\x00"})],
        "documents_document_unreserve": [("post", [world["draft"].pk], {"reason": "\x00"})],
        "documents_document_create_return": [("post", [world["draft"].pk], {"x": "\x00"})],
        "documents_picklist_make": [("post", [], {"documents": d}) for d in FORGED_IDS],
        "documents_picklist_print": [("get", [pick], {"x": "\x00"})],
        "documents_picklist_phone_open": [
            ("get", [], {"code": c}) for c in ("\x00", "PCK-" + "9" * 12, "PCK-²", HUGE)
        ],
        "documents_picklist_phone": [("get", [pick], {"x": "\x00"})],
        "documents_picklist_phone_action": [
            ("json", [pick, action], body) for action in ("check", "confirm") for body in phone
        ],
        "documents_document_count_open": [("get", [], {"x": "\x00"})]
        + [("post", [], {"code": c, "blind": "\x00"}) for c in ("\x00", "CNT-" + "9" * 12, HUGE)],
        "documents_document_count_phone": [("get", [count], {"x": "\x00"})],
        "documents_document_count_action": [
            ("json", [count, action], body)
            for action in ("check", "confirm")
            for body in phone + counted
        ]
        + [("json", [count, "finish"], b"\x00")],
        "inventory_product_import": [("post", [], body) for body in files + texts],
        "inventory_product_import_packagings": [("post", [], body) for body in files + texts],
        "auth_user_password_change": [
            ("post", [user.pk], {"password1": p, "password2": p, "usable_password": p})
            for p in ("\x00", "a\x00b")
        ],
    }


def _custom_routes():
    """Names of the URLs screens add to Django's own views of a ModelAdmin."""
    names = set()
    for model in admin.site._registry:
        info = model._meta.app_label, model._meta.model_name
        names |= {f"{info[0]}_{info[1]}_{view}" for view in STANDARD_VIEWS if view}
        names.add(f"{info[0]}_{info[1]}_export")
    return {
        name
        for _, name in admin_routes()
        if name
        and name not in names
        and name not in SITE_VIEWS | {"app_list", "autocomplete"}
        and not name.startswith("view_on_site")
    }


def test_forged_bodies_to_every_custom_view(walk, world):
    for name, requests in _custom(world, walk.user).items():
        for method, args, data in requests:
            url = reverse(f"admin:{name}", args=args)
            with walk.group(f"{url} {data!r}"):
                if method == "json":
                    walk.send("post", url, data, name=name, content_type="application/json")
                else:
                    walk.send(method, url, data, name=name)
    walk.assert_clean()


def test_every_custom_admin_view_is_in_the_walk(world):
    # A screen that adds a URL of its own must add its forged requests to _custom().
    assert _custom_routes() - _custom(world, user_with()).keys() == set()
    assert {Document, PickList} <= set(admin.site._registry)
