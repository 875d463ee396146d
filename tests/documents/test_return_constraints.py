"""The database refuses every bad return row, written with raw SQL."""

import pytest
from django.db import connection

from documents.services import LineInput, document_create, document_post
from tests.inventory.test_quant_constraints import refused as refused_row
from tests.support.database import postgres_only

pytestmark = pytest.mark.django_db

DOCUMENT = (
    "INSERT INTO documents (doc_type, status, warehouse_id, destination_warehouse_id, "
    "origin_id, reference, note, cancel_reason, created_at, updated_at) "
    "VALUES (%s, 'draft', %s, %s, %s, '', '', '', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
)


def refused(constraint, params):
    refused_row(constraint, DOCUMENT, params)


@pytest.fixture
def shipment(warehouse, product):
    document_post(
        document_id=document_create(
            doc_type="receipt", warehouse_id=warehouse.pk, lines=[LineInput(product.pk, 5)]
        ).pk
    )
    return document_post(
        document_id=document_create(
            doc_type="shipment", warehouse_id=warehouse.pk, lines=[LineInput(product.pk, 5)]
        ).pk
    )


def test_a_good_return_row_is_accepted(warehouse, shipment):
    with connection.cursor() as cursor:
        cursor.execute(DOCUMENT, ["return", warehouse.pk, None, shipment.pk])


def test_a_return_names_its_origin(warehouse):
    refused("check_documents_origin_return_only", ["return", warehouse.pk, None, None])


@pytest.mark.parametrize("doc_type", ["receipt", "shipment", "transfer", "adjustment", "count"])
def test_only_a_return_names_an_origin(warehouse, other_warehouse, shipment, doc_type):
    destination = other_warehouse.pk if doc_type == "transfer" else None
    refused(
        "check_documents_origin_return_only", [doc_type, warehouse.pk, destination, shipment.pk]
    )


def test_a_return_has_no_destination(warehouse, other_warehouse, shipment):
    refused(
        "check_documents_destination_transfer_only",
        ["return", warehouse.pk, other_warehouse.pk, shipment.pk],
    )


@postgres_only
def test_a_return_stays_in_its_shipments_warehouse(other_warehouse, shipment):
    refused("fk_documents_origin_same_warehouse", ["return", other_warehouse.pk, None, shipment.pk])
