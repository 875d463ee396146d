"""Documents found by SKU; who created or posted a document shown without a dead link."""

import re

import pytest

from tests.documents.admin_helpers import CHANGELIST_URL, change_url
from tests.factories import ProductFactory
from tests.support.documents import make_document, post
from tests.support.users import user_with

pytestmark = pytest.mark.django_db


def numbers(client, query) -> list[str]:
    page = client.get(CHANGELIST_URL + query).content.decode()
    return re.findall(r'<th class="field-number"><a [^>]*>([^<]+)</a>', page)


def test_documents_are_found_by_the_exact_sku_of_a_line(clerk_client, warehouse):
    one, ten = ProductFactory(sku="SKU-1"), ProductFactory(sku="SKU-10")
    with_one = make_document("receipt", warehouse, [(one, 1), (ten, 1)])
    only_ten = make_document("receipt", warehouse, [(ten, 1)])
    assert numbers(clerk_client, "?q=SKU-1") == [with_one.number]
    assert numbers(clerk_client, "?q=SKU-10") == [only_ten.number, with_one.number]
    page = clerk_client.get(CHANGELIST_URL + "?q=SKU-10").content.decode()
    assert re.findall(r'<td class="field-line_count">(\d+)</td>', page) == ["1", "2"]


def test_users_are_named_not_linked_on_a_document(clerk_client, clerk, warehouse, product):
    from wms.roles import CLERK

    poster = user_with(groups=[CLERK], username="pete", first_name="Pete", last_name="Post")
    receipt = post("receipt", warehouse, [(product, 1)], user=poster)
    page = clerk_client.get(change_url(receipt)).content.decode()
    assert "Pete Post" in page
    assert "/admin/auth/user/" not in page


def test_no_view_site_link_to_a_page_that_does_not_exist(clerk_client):
    page = clerk_client.get("/admin/").content.decode()
    assert "View site" not in page


def test_the_browsable_apis_breadcrumbs_name_real_pages(clerk_client):
    page = clerk_client.get("/api/v1/products/", HTTP_ACCEPT="text/html").content.decode()
    crumbs = re.search(r'<ul class="breadcrumb">(.*?)</ul>', page, re.S).group(1)
    assert "Unknown Path" not in crumbs
    assert "Api Root" in crumbs and "Product List" in crumbs
    assert clerk_client.get("/api/").status_code == 302
