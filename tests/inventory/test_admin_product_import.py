from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from inventory.models import Product
from tests.factories import ProductFactory

pytestmark = pytest.mark.django_db

IMPORT_URL = reverse("admin:inventory_product_import")


def upload(client, text: str, name="products.csv"):
    file = SimpleUploadedFile(name, text.encode(), content_type="text/csv")
    return client.post(IMPORT_URL, {"file": file, "_preview": "Preview"})


def test_a_preview_shows_what_would_happen_and_saves_nothing(manager_client):
    ProductFactory(sku="OLD-1", name="Old", price=Decimal("1.00"))
    response = upload(manager_client, "sku,name,price\nNEW-1,New,2.00\nOLD-1,Old,1.50\n")

    page = response.content.decode()
    assert response.status_code == 200
    assert "Dry run, nothing saved: 1 to create, 1 to update, 0 unchanged, 0 with errors." in page
    assert "<td>NEW-1</td><td>create</td>" in page
    assert "<td>OLD-1</td><td>update</td><td>price</td>" in page
    assert 'name="_confirm"' in page
    assert not Product.objects.filter(sku="NEW-1").exists()
    assert Product.objects.get(sku="OLD-1").price == Decimal("1.00")


def test_confirming_imports_the_previewed_file(manager_client):
    ProductFactory(sku="OLD-1", name="Old", price=Decimal("1.00"))
    preview = upload(manager_client, "sku,name,price\nNEW-1,New,2.00\nOLD-1,Old,1.50\n")
    csv_text = preview.context["form"]["csv_text"].value()

    response = manager_client.post(IMPORT_URL, {"csv_text": csv_text, "_confirm": "1"}, follow=True)

    assert response.redirect_chain[-1][0] == reverse("admin:inventory_product_changelist")
    assert "Imported 2 products: 1 created, 1 updated, 0 unchanged." in response.content.decode()
    assert Product.objects.get(sku="NEW-1").price == Decimal("2.00")
    assert Product.objects.get(sku="OLD-1").price == Decimal("1.50")


def test_rows_with_errors_are_listed_and_nothing_can_be_confirmed(manager_client):
    response = upload(manager_client, "sku,name,price\nOK-1,Fine,1\nBAD-1,Bad,abc\n,No sku,1\n")

    page = response.content.decode()
    assert "Nothing was saved" in page
    assert "<td>3</td><td>BAD-1</td><td>price: “abc” value must be a decimal number.</td>" in page
    assert "<td>4</td><td></td><td>sku: This field cannot be blank.</td>" in page
    assert 'name="_confirm"' not in page
    assert not Product.objects.exists()


def test_a_file_that_changes_nothing_offers_nothing_to_confirm(manager_client):
    ProductFactory(sku="SAME-1", name="Same")
    page = upload(manager_client, "sku,name\nSAME-1,Same\n").content.decode()
    assert "nothing to import" in page
    assert 'name="_confirm"' not in page


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"sku,title\nA,B\n", "Unknown column(s): title."),
        (b"\xff\xfesku", "The file is not UTF-8 text."),
    ],
)
def test_an_unusable_file_is_refused_on_the_form(manager_client, content, message):
    file = SimpleUploadedFile("products.csv", content, content_type="text/csv")
    response = manager_client.post(IMPORT_URL, {"file": file, "_preview": "Preview"})
    assert response.status_code == 200
    assert message in response.context["form"].errors["file"][0]


def test_a_file_too_big_for_the_screen_points_to_the_command(manager_client, monkeypatch):
    monkeypatch.setattr("inventory.admin.product_import.IMPORT_MAX_BYTES", 10)
    response = upload(manager_client, "sku,name\nLONG-1,Long enough\n")
    assert "manage.py import_products" in response.context["form"].errors["file"][0]


def test_the_changelist_offers_the_import_to_those_who_may(client, manager, clerk):
    changelist = reverse("admin:inventory_product_changelist")
    client.force_login(manager)
    assert f'href="{IMPORT_URL}"' in client.get(changelist).content.decode()
    client.force_login(clerk)
    assert f'href="{IMPORT_URL}"' not in client.get(changelist).content.decode()


def test_a_clerk_cannot_import(clerk_client):
    assert clerk_client.get(IMPORT_URL).status_code == 403
    response = clerk_client.post(IMPORT_URL, {"csv_text": "sku,name\nX-1,X\n", "_confirm": "1"})
    assert response.status_code == 403
    assert not Product.objects.exists()
