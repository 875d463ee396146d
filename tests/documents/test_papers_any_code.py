"""Papers always render: codes the bars cannot carry (accents, emoji) are printed as text, and
every document type has its paper. Codes meant to be scanned (barcodes) say what they accept."""

import pytest
from django.urls import reverse

from documents.models import DocType, Document, PickList
from documents.services import LineInput, document_create, document_post, document_reserve
from tests.documents.admin_helpers import change_url
from tests.factories import ProductFactory
from tests.support.documents import draft_return, make_document, post, post_lines
from tests.support.users import api_client
from warehouses.services import location_create

pytestmark = pytest.mark.django_db

ODD = ("Ünïcødé-1", "📦-box", "é")


@pytest.fixture
def odd(warehouse):
    """Stock of products whose SKU, lot and shelf code no barcode symbology can encode."""
    shelf = location_create(warehouse_id=warehouse.pk, code="é-shelf")
    plain = ProductFactory(sku=ODD[0], name="Ünïcødé")
    boxed = ProductFactory(sku=ODD[1], name="Box", tracking="lot")
    post_lines(
        "receipt",
        warehouse,
        [LineInput(plain.pk, 20, location_id=shelf.pk), LineInput(boxed.pk, 20, lot=ODD[2])],
    )
    return plain, boxed, shelf


def one_of_each_type(warehouse, other_warehouse, plain, boxed) -> list[Document]:
    """A document of every type, with the odd products on its lines."""
    lot = boxed.lots.get().pk

    def lines(n):
        return [LineInput(plain.pk, n), LineInput(boxed.pk, n, lot=ODD[2])]

    shipment = post_lines("shipment", warehouse, lines(2))
    made = {
        "return": draft_return(shipment, lines(1)),
        "shipment": shipment,
        "transfer": document_create(
            doc_type="transfer",
            warehouse_id=warehouse.pk,
            destination_warehouse_id=other_warehouse.pk,
            lines=lines(1),
        ),
        "receipt": make_document("receipt", warehouse, [(plain, 1)]),
        "adjustment": make_document("adjustment", warehouse, [(plain, -1)]),
        "count": document_create(doc_type="count", warehouse_id=warehouse.pk, lines=lines(5)),
    }
    assert lot and set(made) == set(DocType.values)  # a new type must join this walk
    return list(made.values())


def test_every_type_has_a_paper_that_renders_any_code(
    manager_client, warehouse, other_warehouse, odd
):
    plain, boxed, _ = odd
    for document in one_of_each_type(warehouse, other_warehouse, plain, boxed):
        url = reverse("admin:documents_document_paper", args=[document.pk])
        for page in (url, url + "?blind=1", change_url(document)):
            response = manager_client.get(page)
            assert response.status_code == 200, (document.doc_type, page)
        text = manager_client.get(url).content.decode()
        assert f'<span class="code-as-text">{ODD[0]}</span>' in text
        assert "<svg" in text  # the document's number is still drawn as bars


def test_a_posted_return_prints_as_goods_returned(manager_client, warehouse, odd):
    plain, _, _ = odd
    shipment = post("shipment", warehouse, [(plain, 3)])
    back = document_post(document_id=draft_return(shipment, [LineInput(plain.pk, 1)]).pk)
    page = manager_client.get(reverse("admin:documents_document_paper", args=[back.pk]))
    assert page.status_code == 200
    assert "<h1>Goods returned</h1>" in page.content.decode()


def test_product_location_and_pick_list_pages_render_any_code(manager_client, warehouse, odd):
    plain, boxed, shelf = odd
    pages = [
        reverse("admin:inventory_product_change", args=[plain.pk]),
        reverse("admin:inventory_product_change", args=[boxed.pk]),
        reverse("admin:inventory_product_changelist") + "?q=%C3%9C",
        reverse("admin:inventory_lot_changelist"),
        reverse("admin:inventory_lot_change", args=[boxed.lots.get().pk]),
        reverse("admin:warehouses_location_change", args=[shelf.pk]),
        reverse("admin:warehouses_location_changelist"),
        reverse("admin:documents_document_changelist"),
    ]
    for url in pages:
        assert manager_client.get(url).status_code == 200, url
    labels = [
        ("inventory_product", [plain.pk, boxed.pk]),
        ("warehouses_location", [shelf.pk]),
    ]
    for model, ids in labels:
        response = manager_client.post(
            reverse(f"admin:{model}_changelist"),
            {"action": "print_labels", "_selected_action": ids},
        )
        assert response.status_code == 200, model
        assert 'class="code-as-text"' in response.content.decode()
    shipment = document_reserve(
        document_id=make_document("shipment", warehouse, [(plain, 1), (boxed, 1)]).pk
    )
    made = manager_client.post(
        reverse("admin:documents_document_changelist"),
        {"action": "create_pick_list", "_selected_action": [shipment.pk]},
    )
    assert made.status_code == 302
    pick_list = PickList.objects.get()
    page = manager_client.get(reverse("admin:documents_picklist_print", args=[pick_list.pk]))
    assert page.status_code == 200
    assert f'<span class="code-as-text">{ODD[2]}</span>' in page.content.decode()


@pytest.mark.parametrize("code", ["é", "📦-1", "tab\there"])
def test_a_barcode_must_be_printable_ascii(manager, warehouse, code):
    client = api_client(manager)
    product = client.post("/api/v1/products/", {"sku": "P1", "name": "P", "barcode": code})
    assert product.status_code == 400
    assert "printable ASCII" in product.json()["errors"]["barcode"][0]
    location = client.post(
        "/api/v1/locations/", {"warehouse": warehouse.pk, "code": "L1", "barcode": code}
    )
    assert location.status_code == 400
    assert "printable ASCII" in location.json()["errors"]["barcode"][0]
    # The free-text codes accept any text: they are printed as text where bars cannot be.
    assert client.post("/api/v1/products/", {"sku": code, "name": "P"}).status_code == 201
