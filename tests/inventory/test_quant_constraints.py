"""The database refuses every bad quant, lot and location row, written with raw SQL."""

import pytest
from django.db import IntegrityError, connection, transaction

from inventory.models import Lot
from tests.factories import ProductFactory, WarehouseFactory
from warehouses.services import location_create

pytestmark = pytest.mark.django_db

QUANT = (
    "INSERT INTO stock_quants (warehouse_id, location_id, product_id, lot_id, is_serial, "
    "holds_serial, quantity, reserved, updated_at) "
    "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, CURRENT_TIMESTAMP)"
)


def refused(constraint, statement, params):
    with pytest.raises(IntegrityError) as raised, transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(statement, params)
            if connection.vendor == "postgresql":
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # composite keys are deferred
    if connection.vendor == "postgresql":
        assert constraint in str(raised.value)


def quant(warehouse, location, product, lot=None, serial=False, quantity=0, reserved=0, holds=None):
    holds = serial and quantity > 0 if holds is None else holds
    return [
        warehouse.pk,
        location.pk,
        product.pk,
        lot.pk if lot else None,
        serial,
        holds,
        quantity,
        reserved,
    ]


@pytest.fixture
def root(warehouse):
    return warehouse.default_location


@pytest.mark.parametrize(
    "quantity, reserved, constraint",
    [
        (-1, 0, "check_stock_quants_quantity_positive"),
        (5, -1, "check_stock_quants_reserved_positive"),
        (5, 6, "check_stock_quants_reserved_within_quantity"),
    ],
)
def test_quantity_and_reserved_stay_in_range(
    warehouse, root, product, quantity, reserved, constraint
):
    refused(
        constraint, QUANT, quant(warehouse, root, product, quantity=quantity, reserved=reserved)
    )


@pytest.mark.parametrize("table", ["warehouse_inventory", "inventory"])
def test_reserved_stays_within_quantity_above_quants_too(table, warehouse, product):
    with connection.cursor() as cursor:
        if table == "inventory":
            cursor.execute(
                "INSERT INTO inventory (product_id, quantity, reserved, updated_at) "
                "VALUES (%s, 1, 0, CURRENT_TIMESTAMP)",
                [product.pk],
            )
        else:
            cursor.execute(
                "INSERT INTO warehouse_inventory (warehouse_id, product_id, quantity, reserved, "
                "updated_at) VALUES (%s, %s, 1, 0, CURRENT_TIMESTAMP)",
                [warehouse.pk, product.pk],
            )
    refused(f"check_{table}_reserved_within_quantity", f"UPDATE {table} SET reserved = 2", [])
    refused(f"check_{table}_reserved_positive", f"UPDATE {table} SET reserved = -1", [])


def test_one_quant_per_location_product_and_lot_no_lot_included(warehouse, root, product):
    lot = Lot.objects.create(product=product, code="L1")
    for args, constraint in (
        ((None,), "uq_stock_quants_location_product_no_lot"),
        ((lot,), "uq_stock_quants_location_product_lot"),
    ):
        with connection.cursor() as cursor:
            cursor.execute(QUANT, quant(warehouse, root, product, *args))
        refused(constraint, QUANT, quant(warehouse, root, product, *args))


def test_a_serial_is_in_one_place_with_one_unit(warehouse, root, product):
    serial = Lot.objects.create(product=product, code="SN", is_serial=True)
    shelf = location_create(warehouse_id=warehouse.pk, code="S")
    refused(
        "check_stock_quants_serial_at_most_one",
        QUANT,
        quant(warehouse, root, product, serial, True, quantity=2),
    )
    refused(
        "check_stock_quants_serial_has_lot",
        QUANT,
        quant(warehouse, root, product, None, True, quantity=1),
    )
    with connection.cursor() as cursor:
        cursor.execute(QUANT, quant(warehouse, root, product, serial, True, quantity=1))
    refused(
        "check_stock_quants_holds_serial",
        QUANT,
        quant(warehouse, shelf, product, serial, True, quantity=1, holds=False),
    )
    refused(
        "uq_stock_quants_serial_in_one_place",
        QUANT,
        quant(warehouse, shelf, product, serial, True, quantity=1),
    )


def test_one_root_per_warehouse_and_codes_unique_among_siblings(warehouse, root):
    location_create(warehouse_id=warehouse.pk, code="A")
    columns = (
        "INSERT INTO locations (warehouse_id, parent_id, code, name, path, pick_order, "
        "is_active, created_at, updated_at) VALUES (%s, %s, %s, '', %s, 0, TRUE, "
        "CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
    )
    refused("uq_locations_one_root_per_warehouse", columns, [warehouse.pk, None, "R2", ""])
    refused("uq_locations_parent_code", columns, [warehouse.pk, root.pk, "A", "A"])


@pytest.mark.postgres
def test_a_parent_and_a_quant_are_in_their_location_s_warehouse(warehouse, root, product):
    other = WarehouseFactory()
    refused(
        "fk_locations_parent_same_warehouse",
        "INSERT INTO locations (warehouse_id, parent_id, code, name, path, pick_order, "
        "is_active, created_at, updated_at) VALUES (%s, %s, 'X', '', 'X', 0, TRUE, now(), now())",
        [other.pk, root.pk],
    )
    refused("fk_stock_quants_location_same_warehouse", QUANT, quant(other, root, product))


@pytest.mark.postgres
def test_a_quant_s_lot_is_of_its_product_with_its_serial_flag(warehouse, root, product):
    lot = Lot.objects.create(product=ProductFactory(), code="ELSEWHERE")
    refused("fk_stock_quants_lot_of_product", QUANT, quant(warehouse, root, product, lot))
    own = Lot.objects.create(product=product, code="MINE", is_serial=False)
    refused(
        "fk_stock_quants_lot_of_product",
        QUANT,
        quant(warehouse, root, product, own, True, quantity=1),
    )


@pytest.mark.postgres
def test_every_warehouse_gets_its_root_even_from_raw_sql(db):
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO warehouses (code, name, location, is_active, created_at, updated_at) "
            "VALUES ('RAW', 'Raw', '', TRUE, now(), now()) RETURNING id"
        )
        [warehouse_id] = cursor.fetchone()
        cursor.execute("SELECT path, code FROM locations WHERE warehouse_id = %s", [warehouse_id])
        assert cursor.fetchall() == [("", "RAW")]
