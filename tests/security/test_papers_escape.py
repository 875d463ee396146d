"""Papers and labels print what they are given as text: markup and template syntax stay inert.

Every printed page (a document's paper, a pick list, product and location labels) is rendered
with names made to attack it. None takes a template or a file path from the request.
"""

import pytest

from documents.services import pick_list_create
from tests.factories import ProductFactory, WarehouseFactory
from tests.support.documents import make_document
from tests.support.users import user_with
from warehouses.models import Location

XSS = "<img src=x onerror=alert(1)>"
SSTI = "{{7*7}}{% now 'Y' %}"
NAME = f"{XSS} {SSTI}"


@pytest.fixture
def boss_client(db, client):
    client.force_login(user_with(is_staff=True, is_superuser=True))
    return client


@pytest.fixture
def hostile(db):
    warehouse = WarehouseFactory(name=NAME)
    product = ProductFactory(name=NAME, sku="SKU-<b>x</b>")
    location = Location.objects.create(
        warehouse=warehouse, parent=warehouse.default_location, code="A1", name=NAME
    )
    document = make_document("shipment", warehouse, [(product, 1)], note=NAME, reference=NAME)
    return {"product": product, "location": location, "document": document, "warehouse": warehouse}


def assert_inert(html: str):
    assert XSS not in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
    assert "{{7*7}}" in html  # shown as typed, not evaluated
    assert ">49<" not in html and " 49 " not in html


def test_a_documents_paper(boss_client, hostile):
    page = boss_client.get(f"/admin/documents/document/{hostile['document'].pk}/paper/")
    assert page.status_code == 200
    assert_inert(page.content.decode())


def test_product_and_location_labels(boss_client, hostile):
    for url, pk in (
        ("/admin/inventory/product/", hostile["product"].pk),
        ("/admin/warehouses/location/", hostile["location"].pk),
    ):
        page = boss_client.post(url, {"action": "print_labels", "_selected_action": [pk]})
        assert page.status_code == 200, url
        html = page.content.decode()
        assert_inert(html)
        assert "<b>x</b>" not in html


def test_a_pick_list(boss_client, hostile):
    from tests.support.documents import post

    post("receipt", hostile["warehouse"], [(hostile["product"], 5)])
    from documents.services import document_reserve

    document_reserve(document_id=hostile["document"].pk)
    pick_list = pick_list_create(document_ids=[hostile["document"].pk])
    page = boss_client.get(f"/admin/documents/picklist/{pick_list.pk}/print/")
    assert page.status_code == 200
    html = page.content.decode()
    assert XSS not in html and "&lt;img" in html


def test_no_printed_page_takes_a_template_or_a_path_from_the_request(boss_client, hostile):
    url = f"/admin/documents/document/{hostile['document'].pk}/paper/"
    plain = boss_client.get(url).content
    for name in ("template", "template_name", "path", "file"):
        probe = boss_client.get(url, {name: "../../../../etc/passwd"}).content
        assert probe == plain or b"root:" not in probe
        assert b"root:x:" not in probe
