"""The trail in the back office: a global list for auditors and each object's history."""

import pytest

from tests.factories import ProductFactory
from tests.support.users import user_with

pytestmark = pytest.mark.django_db
LIST = "/admin/audit/auditevent/"


@pytest.fixture
def auditor_client(client):
    client.force_login(
        user_with(groups=["Auditor"], perms=["inventory.view_product"], is_staff=True)
    )
    return client


def test_a_products_history_button_shows_its_audit_entries(auditor_client):
    product = ProductFactory(name="Tracked")
    response = auditor_client.get(f"/admin/inventory/product/{product.pk}/history/")
    assert response.status_code == 302
    assert response["Location"] == f"{LIST}?model=product&object_id={product.pk}"
    page = auditor_client.get(response["Location"]).content.decode()
    assert "create" in page and f'<td class="field-object_id">{product.pk}</td>' in page


def test_the_global_list_filters_by_actor_and_never_counts_everything(auditor_client):
    ProductFactory()
    page = auditor_client.get(LIST, {"model": "product", "q": "nobody"})
    assert page.status_code == 200
    assert page.context["cl"].show_full_result_count is False
    assert page.context["cl"].result_count == 0


def test_others_do_not_see_the_trail(client):
    client.force_login(user_with(perms=["inventory.view_product"], is_staff=True))
    assert client.get(LIST).status_code == 403
    product = ProductFactory()
    # Django's own history (the admin's log) stays for them.
    assert client.get(f"/admin/inventory/product/{product.pk}/history/").status_code == 200


def test_audit_rows_cannot_be_changed_in_the_admin(auditor_client):
    ProductFactory()
    from audit.models import AuditEvent

    event = AuditEvent.objects.latest("id")
    page = auditor_client.get(f"{LIST}{event.pk}/change/").content.decode()
    assert 'name="_save"' not in page
    assert auditor_client.post(f"{LIST}{event.pk}/delete/").status_code == 403
