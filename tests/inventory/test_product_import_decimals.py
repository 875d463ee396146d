"""The product CSV carries decimals; they are fixed once a product has quantities."""

import pytest

from inventory.models import Product
from inventory.services import products_import
from tests.support.documents import post

pytestmark = pytest.mark.django_db


def run(text):
    return products_import(lines=text.splitlines(keepends=True))


def test_decimals_come_from_the_csv(db):
    result = run("sku,name,unit,decimals\nGOUDA,Gouda,kg,3\nPEN,Pen,pcs,0\n")
    assert not result.errors
    assert dict(Product.objects.values_list("sku", "decimals")) == {"GOUDA": 3, "PEN": 0}


def test_bad_decimals_are_refused_by_row(db):
    result = run("sku,name,decimals\nA,A,7\nB,B,x\nC,C,\n")
    assert [error.line for error in result.errors] == [2, 3, 4]
    assert not Product.objects.exists()


def test_decimals_cannot_change_once_quantities_exist(warehouse):
    run("sku,name,unit,decimals\nGOUDA,Gouda,kg,3\nFRESH,Fresh,kg,0\n")
    post("receipt", warehouse, [(Product.objects.get(sku="GOUDA"), 1250)])
    result = run("sku,name,decimals\nGOUDA,Gouda,0\nFRESH,Fresh,2\n")
    [error] = result.errors
    assert error.sku == "GOUDA" and "cannot change" in error.messages[0]
    assert Product.objects.get(sku="FRESH").decimals == 0  # all or nothing
    assert run("sku,name,decimals\nFRESH,Fresh,2\n").errors == []
    assert Product.objects.get(sku="FRESH").decimals == 2
