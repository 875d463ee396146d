"""CSV exports neutralise what a spreadsheet would run as a formula, and only that."""

import csv
import io

import pytest

from tests.factories import ProductFactory, WarehouseFactory
from tests.support.documents import post
from tests.support.users import user_with
from wms.admin_mixins import _csv_cell

FORMULAS = ["=1+1", "+1+1", "-1+1", "@SUM(A1)", "\t=1", "\r=1", '  =HYPERLINK("x")', " -cmd"]


@pytest.mark.parametrize("text", FORMULAS)
def test_a_text_cell_that_a_spreadsheet_would_evaluate_is_quoted(text):
    assert _csv_cell(text) == "'" + text


@pytest.mark.parametrize("value", [-5, -0.5, 0, 12])
def test_numbers_stay_numbers(value):
    assert _csv_cell(value) == value


@pytest.mark.parametrize("text", ["Bolt", "a=b", "3-4 mm", " plain"])
def test_ordinary_text_is_untouched(text):
    assert _csv_cell(text) == text


def _export(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))


@pytest.mark.django_db
def test_an_export_with_a_formula_name_and_a_negative_quantity(client):
    client.force_login(user_with(is_staff=True, is_superuser=True))
    warehouse = WarehouseFactory()
    product = ProductFactory(name="  =cmd|' /C calc'!A0", sku="-SKU")
    post("receipt", warehouse, [(product, 5)])
    post("shipment", warehouse, [(product, 2)])
    header, *rows = _export(client, "/admin/inventory/stockmovement/export/")
    quantities = sorted(int(row[header.index("quantity")]) for row in rows)
    assert quantities == [-2, 5]  # a negative number is still a number
    assert {row[header.index("sku")] for row in rows} == {"'-SKU"}
    header, *rows = _export(client, "/admin/inventory/inventory/export/")
    assert rows[0][header.index("name")] == "'  =cmd|' /C calc'!A0"
