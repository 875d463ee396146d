from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command

from inventory.models import Product
from tests.factories import ProductFactory

pytestmark = pytest.mark.django_db


def write(tmp_path, text: str):
    path = tmp_path / "products.csv"
    path.write_text(text, encoding="utf-8")
    return str(path)


def run(path, *args):
    call_command("import_products", path, "--no-progress", *args)


def test_creates_and_updates_by_sku_and_prints_a_summary(tmp_path, capsys):
    ProductFactory(sku="OLD-1", name="Old name", price=Decimal("1.00"))
    ProductFactory(sku="SAME-1", name="Same", price=Decimal("2.00"), unit="box")
    path = write(
        tmp_path,
        "sku,name,description,unit,price,is_active\n"
        "NEW-1,Pallet wrap,500 mm,pcs,12.50,true\n"
        "OLD-1,New name,,piece,3.10,yes\n"
        "SAME-1,Same,,box,2.00,1\n",
    )

    run(path)

    assert capsys.readouterr().out.strip() == (
        "Imported 3 products: 1 created, 1 updated, 1 unchanged."
    )
    new = Product.objects.get(sku="NEW-1")
    assert (new.name, new.description, new.unit, new.price, new.is_active) == (
        "Pallet wrap",
        "500 mm",
        "pcs",
        Decimal("12.50"),
        True,
    )
    old = Product.objects.get(sku="OLD-1")
    assert (old.name, old.price, old.unit) == ("New name", Decimal("3.10"), "pcs")


def test_columns_left_out_keep_their_values(tmp_path):
    ProductFactory(sku="A-1", name="A", price=Decimal("7.00"), unit="kg", is_active=False)
    run(write(tmp_path, "sku,name\nA-1,Renamed\nB-1,Brand new\n"))
    a = Product.objects.get(sku="A-1")
    assert (a.name, a.price, a.unit, a.is_active) == ("Renamed", Decimal("7.00"), "kg", False)
    b = Product.objects.get(sku="B-1")
    assert (b.price, b.unit, b.is_active) == (Decimal("0.00"), "pcs", True)


def test_any_wrong_row_saves_nothing_and_every_error_is_listed(tmp_path, capsys):
    ProductFactory(sku="KEEP-1", name="Keep")
    path = write(
        tmp_path,
        "sku,name,unit,price,is_active\n"
        "GOOD-1,Good,pcs,1.00,true\n"
        "KEEP-1,Changed,pcs,1.00,true\n"
        "BAD-1,Bad price,pcs,-1,true\n"
        "BAD-2,,crate,1.234,maybe\n"
        ",No sku,pcs,1,true\n"
        "GOOD-1,Again,pcs,1,true\n"
        "SHORT-1,Short\n",
    )

    with pytest.raises(CommandError) as raised:
        run(path)

    assert str(raised.value) == (
        "Nothing imported, the file has errors: 1 to create, 1 to update, 0 unchanged, "
        "5 with errors."
    )
    errors = capsys.readouterr().err.splitlines()
    assert errors == [
        "ERROR line 4 (BAD-1): price: Ensure this value is greater than or equal to 0.00.",
        "ERROR line 5 (BAD-2): name: This field cannot be blank. unit: 'crate' is not one of "
        "pcs, box, pack, pallet, kg, lb, l, m. price: Ensure that there are no more than 2 decimal "
        "places. is_active: 'maybe' is not a yes/no value (use true/false, yes/no or 1/0).",
        "ERROR line 6 (no sku): sku: This field cannot be blank.",
        "ERROR line 7 (GOOD-1): sku GOOD-1 appears again (first on line 2).",
        "ERROR line 8 (SHORT-1): expected 5 values, found 2.",
    ]
    assert not Product.objects.filter(sku="GOOD-1").exists()
    assert Product.objects.get(sku="KEEP-1").name == "Keep"


def test_a_dry_run_saves_nothing(tmp_path, capsys):
    run(write(tmp_path, "sku,name\nN-1,New\n"), "--dry-run")
    assert "Dry run, nothing saved: 1 to create" in capsys.readouterr().out
    assert not Product.objects.exists()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "The file is empty."),
        ("sku,title\n", "Unknown column(s): title."),
        ("name,price\n", "Missing column(s): sku."),
        ("sku,name,name\n", "A column appears more than once."),
    ],
)
def test_a_file_without_a_usable_header_is_refused(tmp_path, text, message):
    with pytest.raises(CommandError, match=message.replace("(", r"\(").replace(")", r"\)")):
        run(write(tmp_path, text))
    assert not Product.objects.exists()


def test_a_missing_file_is_a_clear_error(tmp_path):
    with pytest.raises(CommandError, match="Cannot read .*No such file or directory"):
        run(str(tmp_path / "nope.csv"))


def test_a_byte_order_mark_and_blank_lines_are_fine(tmp_path):
    path = tmp_path / "bom.csv"
    path.write_bytes("\ufeffSKU,Name\r\n\r\nX-1,Excel row\r\n".encode())
    run(str(path))
    assert Product.objects.get(sku="X-1").name == "Excel row"


def test_rows_spread_over_many_batches_are_one_transaction(tmp_path, monkeypatch):
    monkeypatch.setattr("inventory.services.product_import.IMPORT_BATCH_SIZE", 3)
    rows = "".join(f"S-{n},Name {n}\n" for n in range(10))
    with pytest.raises(CommandError):
        run(write(tmp_path, "sku,name\n" + rows + ",missing sku\n"))
    assert not Product.objects.exists()
    run(write(tmp_path, "sku,name\n" + rows))
    assert Product.objects.count() == 10


def test_the_progress_bar_counts_the_rows(tmp_path, capsys):
    call_command("import_products", write(tmp_path, "sku,name\nP-1,One\nP-2,Two\n"))
    assert "2/2" in capsys.readouterr().err
