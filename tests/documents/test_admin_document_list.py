import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.documents.admin_helpers import CHANGELIST_URL
from tests.factories import ProductFactory, WarehouseFactory
from tests.support.documents import make_document, post

pytestmark = pytest.mark.django_db


def listed(client, query="") -> list[str]:
    response = client.get(CHANGELIST_URL + query)
    assert response.status_code == 200
    return [d.number for d in response.context["cl"].result_list]


def test_the_list_shows_what_staff_look_for(manager_client, manager, warehouse, other_warehouse):
    products = ProductFactory.create_batch(3)
    post("receipt", warehouse, [(p, 5) for p in products])
    transfer = make_document(
        "transfer",
        warehouse,
        [(products[0], 1), (products[1], 1)],
        destination=other_warehouse,
        reference="MOVE-7",
        created_by=manager,
    )

    page = manager_client.get(CHANGELIST_URL).content.decode()

    row = page[page.index(transfer.number) :].split("</tr>")[0]
    assert "transfer" in row
    assert 'class="status status-draft"' in row
    assert warehouse.code in row and other_warehouse.code in row
    assert "MOVE-7" in row
    assert '<td class="field-line_count">2</td>' in row
    assert manager.username in row
    assert 'class="status status-posted"' in page  # the receipt, in another colour


def test_filters_and_search(manager_client, manager, warehouse, other_warehouse, product):
    receipt = post("receipt", warehouse, [(product, 5)])
    draft = make_document("shipment", other_warehouse, [(product, 1)], reference="ORDER-42")
    mine = make_document("receipt", warehouse, [(product, 1)], created_by=manager)

    assert listed(manager_client, "?status__exact=posted") == [receipt.number]
    assert listed(manager_client, "?doc_type__exact=shipment") == [draft.number]
    assert listed(manager_client, f"?warehouse__id__exact={other_warehouse.pk}") == [draft.number]
    assert listed(manager_client, f"?created_by__id__exact={manager.pk}") == [mine.number]
    assert listed(manager_client, "?q=ORDER-42") == [draft.number]
    assert listed(manager_client, f"?q={receipt.number}") == [receipt.number]
    today = receipt.created_at
    query = f"?created_at__year={today.year}&created_at__month={today.month}"
    assert len(listed(manager_client, query)) == 3


def test_the_list_needs_no_query_per_row(admin_client, manager, product):
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert admin_client.get(CHANGELIST_URL).status_code == 200
        return len(captured)

    warehouse, destination = WarehouseFactory.create_batch(2)
    make_document(
        "transfer", warehouse, [(product, 1)], destination=destination, created_by=manager
    )
    one = queries()
    for _ in range(20):
        other, destination = WarehouseFactory.create_batch(2)
        make_document(
            "transfer", other, [(product, 1)], destination=destination, created_by=manager
        )
    assert queries() == one
