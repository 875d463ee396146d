"""Defect 5: a blind count stays blind. The start form takes the scan last (ticking Blind
comes first), the count remembers it, and its papers never print book quantities."""

import random

import pytest
from django.db import IntegrityError, connection

from documents.models import Document
from tests.browser.test_admin_in_browser import log_in
from tests.browser.test_scan_entry import scanner
from tests.documents.test_pick_flow import picking_day
from tests.support.users import staff_user

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("width", [1366, 390])
def test_a_blind_count_started_by_a_scan_prints_no_book(page, live_server, width):
    picking_day()  # MAIN/A/01 (LOC-A01) holds milk
    page.set_viewport_size({"width": width, "height": 900})
    log_in(page, live_server, staff_user("Warehouse manager"))
    page.goto(f"{live_server.url}/admin/documents/document/start-count/")
    fields = page.locator("form input[name], form select[name]").evaluate_all(
        "els => els.map(e => e.name).filter(n => n !== 'csrfmiddlewaretoken')"
    )
    assert fields == ["blind", "warehouse", "location"]
    page.check("#id_blind")
    page.focus("#id_location")
    scanner(page, "LOC-A01", random.Random(21))  # its Enter submits the form
    page.wait_for_selector(".messagelist")
    count = Document.objects.get(doc_type="count")
    assert count.blind

    page.goto(f"{live_server.url}/admin/documents/document/{count.pk}/paper/")
    assert "Book" not in page.inner_text("#paper-lines thead")
    assert page.locator("td.book").count() == 0
    assert page.locator("a:text('with book quantities')").count() == 0
    page.goto(f"{live_server.url}/admin/documents/document/{count.pk}/paper/?blind=0")
    assert "Book" not in page.inner_text("#paper-lines thead")


def test_only_a_count_can_be_blind_in_the_database():
    pick_list, tasks, t = picking_day()
    with pytest.raises(IntegrityError, match="check_documents_blind_only_counts"):
        with connection.cursor() as cursor:
            cursor.execute("UPDATE documents SET blind = true WHERE id = %s", [t["first"].pk])
