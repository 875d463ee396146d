"""Packagings from and to CSV: exact whole steps, a clear error per row, all or nothing; the
export reads back unchanged; the same service behind the screen and the commands."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from inventory.models import Packaging
from inventory.quantities import MAX_QUANTITY
from inventory.services import packagings_export, packagings_import
from tests.factories import ProductFactory

pytestmark = pytest.mark.django_db

HEADER = "sku,code,name,quantity,barcode,can_receive,can_ship\n"
CASE = "14006381333938"


@pytest.fixture
def goods(db):
    water = ProductFactory(sku="WATER", barcode="04006381333931")
    cheese = ProductFactory(sku="GOUDA", unit="kg", decimals=3)
    return water, cheese


def run(text, dry_run=False):
    return packagings_import(lines=text.splitlines(keepends=True), dry_run=dry_run)


def packs():
    return list(
        Packaging.objects.order_by("product__sku", "quantity").values_list(
            "product__sku", "code", "name", "quantity", "barcode", "can_receive", "can_ship"
        )
    )


def test_packagings_are_created_and_updated_by_sku_and_code(goods):
    water, _ = goods
    Packaging.objects.create(product=water, code="case", quantity=6)
    result = run(
        HEADER + f"WATER,case,Case of 12,12,{CASE},yes,yes\n"
        "WATER,pallet,,480,,yes,no\n"
        f"GOUDA,wheel,Wheel,{MAX_QUANTITY},,true,true\n"
    )
    assert result.ok, [str(e) for e in result.errors]
    assert result.summary() == "Imported 3 packagings: 2 created, 1 updated, 0 unchanged."
    assert packs() == [
        ("GOUDA", "wheel", "Wheel", MAX_QUANTITY, None, True, True),
        ("WATER", "case", "Case of 12", 12, CASE, True, True),
        ("WATER", "pallet", "", 480, None, True, False),
    ]


@pytest.mark.parametrize(
    "row, message",
    [
        ("WATER,case,,12.5,,yes,yes", "quantity: '12.5' is not a whole number of stock steps"),
        ("WATER,case,,12.0,,yes,yes", "quantity: '12.0' is not a whole number of stock steps"),
        ("WATER,case,,1e3,,yes,yes", "quantity: '1e3' is not a whole number of stock steps"),
        ("WATER,case,,1,,yes,yes", f"quantity: 1 is not between 2 and {MAX_QUANTITY}."),
        (f"WATER,case,,{MAX_QUANTITY + 1},,yes,yes", "is not between 2 and"),
        ("NOPE,case,,12,,yes,yes", "sku: no product has the sku NOPE."),
        ("WATER,,,12,,yes,yes", "code: a value is required."),
        ("WATER,c a s e,,12,,yes,yes", "code: "),
        ("WATER,case,,12,14006381333939,yes,yes", "its check digit is wrong"),
        ("WATER,case,,12,04006381333931,yes,yes", "belongs to WATER (the product)"),
        ("WATER,case,,12,,maybe,yes", "can_receive: 'maybe' is not a yes/no value"),
        ("WATER,case,12", "expected 7 values, found 3."),
    ],
)
def test_a_wrong_row_is_named_and_nothing_is_saved(goods, row, message):
    result = run(HEADER + "GOUDA,wheel,,12500,,yes,yes\n" + row + "\n")
    assert not result.ok and not result.saved
    (error,) = result.errors
    assert error.line == 3
    assert message in str(error), str(error)
    assert result.summary().startswith("Nothing imported, the file has errors: 1 to create")
    assert not Packaging.objects.exists()


def test_a_row_twice_and_a_barcode_twice_are_errors(goods):
    result = run(
        HEADER + f"WATER,case,,12,{CASE},yes,yes\n"
        "WATER,case,,24,,yes,yes\n"
        f"GOUDA,wheel,,12500,{CASE},yes,yes\n"
    )
    assert [str(e) for e in result.errors] == [
        "line 3 (WATER case): WATER case appears again (first on line 2).",
        f"line 4 (GOUDA wheel): barcode {CASE} is also given to WATER case.",
    ]
    assert not Packaging.objects.exists()


def test_a_barcode_of_another_packaging_is_refused(goods):
    water, cheese = goods
    Packaging.objects.create(product=water, code="case", quantity=12, barcode=CASE)
    result = run(HEADER + f"GOUDA,wheel,,12500,{CASE},yes,yes\n")
    assert [str(e) for e in result.errors] == [
        f"line 2 (GOUDA wheel): barcode {CASE} belongs to WATER case."
    ]
    # Its own barcode, given again, is no conflict.
    assert run(HEADER + f"WATER,case,,12,{CASE},yes,yes\n").summary() == (
        "Imported 1 packagings: 0 created, 0 updated, 1 unchanged."
    )


def test_a_dry_run_saves_nothing(goods):
    result = run(HEADER + "WATER,case,,12,,yes,yes\n", dry_run=True)
    assert result.summary() == (
        "Dry run, nothing saved: 1 to create, 0 to update, 0 unchanged, 0 with errors."
    )
    assert not Packaging.objects.exists()


def test_the_export_reads_back_unchanged(goods):
    run(HEADER + f"WATER,case,Case,12,{CASE},yes,no\nGOUDA,wheel,Wheel of 12.5 kg,12500,,no,yes\n")
    exported = "".join(packagings_export())
    assert exported.splitlines() == [
        HEADER.strip(),
        "GOUDA,wheel,Wheel of 12.5 kg,12500,,false,true",
        f"WATER,case,Case,12,{CASE},true,false",
    ]
    before = packs()
    assert run(exported).summary() == "Imported 2 packagings: 0 created, 0 updated, 2 unchanged."
    assert packs() == before


def test_the_commands(goods, tmp_path, capsys):
    source = tmp_path / "packs.csv"
    source.write_text(HEADER + "WATER,case,,12,,yes,yes\n", encoding="utf-8")
    call_command("import_packagings", str(source), "--no-progress")
    assert "Imported 1 packagings: 1 created" in capsys.readouterr().out
    target = tmp_path / "out.csv"
    call_command("export_packagings", "--output", str(target), "--sku", "WATER")
    assert target.read_text().splitlines()[1] == "WATER,case,,12,,true,true"
    source.write_text(HEADER + "WATER,case,,twelve,,yes,yes\n", encoding="utf-8")
    with pytest.raises(CommandError):
        call_command("import_packagings", str(source), "--no-progress")
    assert "ERROR line 2 (WATER case): quantity: 'twelve'" in capsys.readouterr().err
    with pytest.raises(CommandError, match="No product has the sku NOPE."):
        call_command("export_packagings", "--sku", "NOPE")


def test_the_products_screen_imports_and_exports_packagings(manager_client, goods):
    water, _ = goods
    url = reverse("admin:inventory_product_import_packagings")
    file = SimpleUploadedFile("p.csv", (HEADER + "WATER,case,,12,,yes,yes\n").encode())
    preview = manager_client.post(url, {"file": file, "_preview": "Preview"})
    assert "<td>WATER case</td><td>create</td>" in preview.content.decode()
    assert not Packaging.objects.exists()
    csv_text = preview.context["form"]["csv_text"].value()
    done = manager_client.post(url, {"csv_text": csv_text, "_confirm": "1"}, follow=True)
    assert "Imported 1 packagings: 1 created" in done.content.decode()
    exported = manager_client.post(
        reverse("admin:inventory_product_changelist"),
        {"action": "export_packagings", "_selected_action": [water.pk]},
    )
    assert b"".join(exported.streaming_content).decode().splitlines() == [
        HEADER.strip(),
        "WATER,case,,12,,true,true",
    ]


def test_a_clerk_cannot_import_packagings(clerk_client):
    url = reverse("admin:inventory_product_import_packagings")
    assert clerk_client.get(url).status_code == 403
