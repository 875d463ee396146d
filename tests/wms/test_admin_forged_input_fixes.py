"""Each 500 the forged-input walk of the back office found (test_admin_forged_input.py), pinned
on its own: what the user sees instead, and that nothing changed."""

import pytest
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from documents.models import Document, PickList, Status
from documents.services import LineInput, document_create, document_post, document_reserve
from inventory.models import Lot, Product
from tests.documents.admin_helpers import ADD_URL, cancel_url, form_data, messages_of, post_url
from tests.support.users import user_with
from warehouses.models import Warehouse

pytestmark = pytest.mark.django_db

HUGE = str(10**30)


@pytest.fixture
def superuser_client(client):
    client.force_login(user_with(is_staff=True, is_superuser=True))
    return client


@pytest.fixture
def reserved(warehouse, product):
    receipt = document_create(
        doc_type="receipt", warehouse_id=warehouse.pk, lines=[LineInput(product.pk, 5)]
    )
    document_post(document_id=receipt.pk)
    shipment = document_create(
        doc_type="shipment", warehouse_id=warehouse.pk, lines=[LineInput(product.pk, 2)]
    )
    return document_reserve(document_id=shipment.pk)


@pytest.mark.parametrize(
    "url",
    [
        "/admin/documents/document/?q=a%00b",  # PostgreSQL: "cannot contain NUL" (500)
        "/admin/documents/document/?status=a%00b",
        "/admin/autocomplete/?app_label=documents&model_name=document&field_name=warehouse"
        "&term=%00",
    ],
)
def test_a_nul_byte_in_a_query_string_is_a_400(superuser_client, url):
    assert superuser_client.get(url).status_code == 400


def test_a_nul_byte_in_a_form_is_a_400_and_changes_nothing(superuser_client, warehouse, product):
    draft = document_create(
        doc_type="shipment", warehouse_id=warehouse.pk, lines=[LineInput(product.pk, 1)]
    )
    response = superuser_client.post(cancel_url(draft), {"reason": "lost\x00"})
    assert response.status_code == 400
    draft.refresh_from_db()
    assert draft.status == Status.DRAFT and draft.cancel_reason == ""


@pytest.mark.parametrize("forged", ["abc", HUGE, "²", "1.5"])
def test_an_action_on_forged_ids_does_nothing_and_says_so(superuser_client, warehouse, forged):
    url = reverse("admin:warehouses_warehouse_changelist")
    body = {"action": "delete_selected", "index": "0", "post": "yes"}
    response = superuser_client.post(
        url, body | {"_selected_action": [forged, warehouse.pk]}, follow=True
    )
    assert response.status_code == 200
    assert any("not ids" in m for m in messages_of(response))
    assert Warehouse.objects.filter(pk=warehouse.pk).exists()


@pytest.mark.parametrize(
    "query",
    [
        f"warehouse__id__exact={HUGE}",  # SQLite: "Python int too large" (500)
        f"warehouse={HUGE}",
        f"warehouse__in=1,{HUGE}",
    ],
)
def test_a_number_past_64_bits_in_a_filter_is_a_400(superuser_client, query):
    url = reverse("admin:inventory_quant_changelist")
    assert superuser_client.get(f"{url}?{query}").status_code == 400


def test_a_date_part_no_date_holds_is_a_400(superuser_client):
    url = reverse("admin:documents_postingfailure_changelist")  # datetime(10**30): OverflowError
    assert superuser_client.get(f"{url}?created_at__year={HUGE}").status_code == 400


def test_a_huge_id_in_the_url_of_a_one_to_one_keyed_row_is_not_found(superuser_client):
    url = reverse("admin:inventory_inventory_change", args=[HUGE])  # keyed by its product
    response = superuser_client.get(url, follow=True)
    assert response.status_code == 200
    assert any("doesn’t exist" in m for m in messages_of(response))


@pytest.mark.parametrize("forged", ["²", "abc", HUGE])
def test_a_forged_choice_in_an_autocomplete_field_is_a_form_error(superuser_client, forged):
    response = superuser_client.post(
        reverse("admin:inventory_lot_add"), {"product": forged, "code": "L1"}
    )
    assert response.status_code == 200
    assert "product" in response.context["adminform"].form.errors
    assert not Lot.objects.exists()


def test_a_forged_choice_in_a_many_to_many_field_is_a_form_error(superuser_client):
    response = superuser_client.post(
        reverse("admin:auth_group_add"), {"name": "pickers", "permissions": [HUGE]}
    )
    assert response.status_code == 200
    assert "permissions" in response.context["adminform"].form.errors
    assert not Group.objects.filter(name="pickers").exists()


@pytest.mark.parametrize("forged", ["²", HUGE])
def test_a_pick_list_of_forged_ids_is_refused_with_a_message(superuser_client, reserved, forged):
    response = superuser_client.post(
        reverse("admin:documents_picklist_make"),
        {"documents": [reserved.pk, forged]},
        follow=True,
    )
    assert response.status_code == 200
    assert any("is not a document's id" in m for m in messages_of(response))
    assert not PickList.objects.exists()


def test_stock_of_a_forged_product_id_is_a_400(superuser_client, warehouse):
    url = reverse("admin:documents_document_in_stock")
    response = superuser_client.get(url, {"warehouse": warehouse.pk, "product": "²"})
    assert response.status_code == 400


@pytest.mark.parametrize("name", ["shipped-abc", "shipped-", "shipped--1"])
def test_a_garbled_shipped_field_is_refused_not_posted_in_full(superuser_client, reserved, name):
    response = superuser_client.post(post_url(reserved), {name: "0"}, follow=True)
    assert response.status_code == 200
    assert any("names no line" in m for m in messages_of(response))
    reserved.refresh_from_db()
    assert reserved.status == Status.RESERVED
    assert not Document.objects.filter(backorder_of=reserved).exists()


def test_a_csv_with_a_nul_byte_is_refused_on_the_form(superuser_client):
    upload = SimpleUploadedFile("p.csv", b"sku,name,unit\nA\x00,B,pcs\n", "text/csv")
    response = superuser_client.post(
        reverse("admin:inventory_product_import"), {"file": upload, "_confirm": "1"}
    )
    assert response.status_code == 200
    assert "NUL" in str(response.context["form"].errors)
    assert not Product.objects.exists()


@pytest.mark.parametrize("forged", ["²", "abc", HUGE])
def test_a_forged_location_on_a_document_line_is_a_form_error(
    superuser_client, warehouse, product, forged
):
    form = form_data("shipment", warehouse, lines=[(product, 1)])
    response = superuser_client.post(ADD_URL, form | {"lines-0-location": forged})
    assert response.status_code == 200
    assert response.context["inline_admin_formsets"][0].formset.errors[0]["location"]
    assert not Document.objects.exists()
