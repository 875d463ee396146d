"""The database refuses bad units of measure itself, under named constraints, written in raw
SQL so that nothing of the application's checks stands in between."""

import pytest
from django.db import IntegrityError, connection, transaction

from tests.factories import ProductFactory

pytestmark = pytest.mark.django_db

UNIT = "04006381333931"
CASE = "14006381333938"


def refused(constraint, sql, params):
    with pytest.raises(IntegrityError) as raised, transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
    # SQLite names a unique index's columns rather than the index; CHECKs and triggers by name.
    if connection.vendor == "postgresql" or not constraint.startswith("uq_packagings"):
        assert constraint in str(raised.value)


def insert_packaging(product_id, code="case", quantity=12, barcode=None):
    return (
        "INSERT INTO packagings (product_id, code, name, quantity, barcode, can_receive, "
        "can_ship, created_at) VALUES (%s, %s, '', %s, %s, true, true, CURRENT_TIMESTAMP)",
        [product_id, code, quantity, barcode],
    )


def test_decimals_are_0_to_6(db):
    product = ProductFactory()
    for bad in (-1, 7):
        refused(
            "check_products_decimals_range",
            "UPDATE products SET decimals = %s WHERE id = %s",
            [bad, product.pk],
        )


def test_a_pack_holds_at_least_2_steps(db):
    product = ProductFactory()
    refused("check_packagings_quantity_at_least_2", *insert_packaging(product.pk, quantity=1))


def test_a_code_is_unique_per_product_and_not_empty(db):
    product, other = ProductFactory(), ProductFactory()
    with connection.cursor() as cursor:
        cursor.execute(*insert_packaging(product.pk))
        cursor.execute(*insert_packaging(other.pk))  # another product may say "case" too
    refused("uq_packagings_product_code", *insert_packaging(product.pk, quantity=24))
    refused("check_packagings_code_not_empty", *insert_packaging(product.pk, code=""))


def test_a_packaging_gtin_is_stored_as_14_digits(db):
    product = ProductFactory()
    refused("check_packagings_barcode_gtin_14", *insert_packaging(product.pk, barcode=UNIT[1:]))
    refused("check_packagings_barcode_not_empty", *insert_packaging(product.pk, barcode=""))


def test_a_barcode_names_one_thing_across_products_and_packagings(db):
    product = ProductFactory(barcode=UNIT)
    other = ProductFactory()
    with connection.cursor() as cursor:
        cursor.execute(*insert_packaging(product.pk, barcode=CASE))
    refused("uq_packagings_barcode", *insert_packaging(other.pk, barcode=CASE))
    # A packaging may not take a product's barcode, nor a product a packaging's.
    refused("uq_barcodes_products_packagings", *insert_packaging(other.pk, barcode=UNIT))
    refused(
        "uq_barcodes_products_packagings",
        "UPDATE products SET barcode = %s WHERE id = %s",
        [CASE, other.pk],
    )
    refused(
        "uq_barcodes_products_packagings",
        "INSERT INTO products (sku, barcode, name, description, unit, price, tracking, decimals, "
        "receive_whole_packs, ship_whole_packs, is_active, created_at, updated_at) VALUES "
        "('X-1', %s, 'x', '', 'pcs', 0, 'none', 0, false, false, true, CURRENT_TIMESTAMP, "
        "CURRENT_TIMESTAMP)",
        [CASE],
    )


def test_a_line_in_packs_is_exactly_packs_times_size(warehouse, product):
    from tests.support.documents import make_document

    document = make_document("receipt", warehouse, [(product, 36)])
    line = document.lines.get()
    with connection.cursor() as cursor:
        cursor.execute(*insert_packaging(product.pk))
        cursor.execute("SELECT id FROM packagings WHERE product_id = %s", [product.pk])
        pack = cursor.fetchone()[0]
    update = (
        "UPDATE document_lines SET packaging_id = %s, packaging_quantity = %s, "
        "packaging_size = %s WHERE id = %s"
    )
    refused("check_document_lines_packaging_exact", update, [pack, 4, 12, line.pk])
    refused("check_document_lines_packaging_exact", update, [pack, None, 12, line.pk])
    refused("check_document_lines_packaging_exact", update, [None, 3, 12, line.pk])
    refused("check_document_lines_packaging_exact", update, [pack, 36, 1, line.pk])
    with connection.cursor() as cursor:
        cursor.execute(update, [pack, 3, 12, line.pk])  # 3 cases of 12 are the 36 stored


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_writers_of_one_barcode_in_the_two_tables_cannot_both_commit(db):
    """The trigger's advisory lock serialises the two inserts: the second sees the first."""
    import threading

    from django.db import connections

    product = ProductFactory()
    barrier = threading.Barrier(2)
    outcomes = []

    def write(sql, params):
        try:
            with transaction.atomic():
                barrier.wait(timeout=10)
                with connection.cursor() as cursor:
                    cursor.execute(sql, params)
            outcomes.append("ok")
        except IntegrityError as exc:
            outcomes.append(str(exc))
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=write, args=insert_packaging(product.pk, barcode=CASE)),
        threading.Thread(
            target=write,
            args=("UPDATE products SET barcode = %s WHERE id <> %s", [CASE, product.pk]),
        ),
    ]
    ProductFactory()  # the row the update writes
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert outcomes.count("ok") == 1
    assert any("uq_barcodes_products_packagings" in outcome for outcome in outcomes)
