"""Closing old ledger periods on generated data: after `ledger_archive --before`, reconcile,
stock as of every instant after the cut, the movements API and the admin's ledger answer as
before; an instant before the cut is a 410 until `--restore`, which gives everything back."""

from datetime import UTC, datetime, timedelta

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import IntegrityError, connection, transaction

from inventory.closings import LedgerArchive, LedgerClosing
from inventory.models import StockMovement
from inventory.partitions import ARCHIVE_SCHEMA
from inventory.selectors import (
    movement_balances,
    quant_list,
    stock_as_of,
    stock_list,
    stock_mismatches,
)
from tests.inventory.load_data import SMALL

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]


def as_of_answers(instants):
    """{instant: (quants' balances, stock rows' sums)} through the selectors."""
    return {
        at: (
            sorted(quant_list(as_of=at).values_list("id", "shown_quantity")),
            sorted(stock_as_of(stock_list(), at).values_list("id", "shown_quantity")),
        )
        for at in instants
    }


def api_pages(client, product_ids, cut):
    """The first movements page of each product, the rows at or after the cut."""
    pages = {}
    for product in product_ids:
        rows = client.get("/api/v1/movements/", {"product": product}).json()["results"]
        pages[product] = [row for row in rows if row["created_at"] >= cut.isoformat()[:19]]
    return pages


def test_archive_and_restore_keep_every_answer(manager_api, manager_client, capsys):
    call_command("generate_load_data", *SMALL, "--days", "400")
    assert stock_mismatches() == []
    today = datetime.now(UTC)
    cut_month = (today - timedelta(days=200)).replace(day=1)
    cut = cut_month.replace(hour=0, minute=0, second=0, microsecond=0)
    after = [cut, cut + timedelta(days=3, hours=5), today - timedelta(days=30), today]
    before = [cut - timedelta(days=40), cut - timedelta(seconds=1)]
    expected = as_of_answers(after + before)
    products = list(StockMovement.objects.values_list("product_id", flat=True).distinct()[:5])
    pages = api_pages(manager_api, products, cut)
    newest = list(StockMovement.objects.order_by("-id").values_list("id", flat=True)[:50])
    balances = movement_balances(movement_ids=newest)
    admin_page = manager_client.get("/admin/inventory/stockmovement/")
    assert admin_page.status_code == 200

    call_command("ledger_archive", "--before", f"{cut:%Y-%m}")
    assert "month(s) moved to the archive schema" in capsys.readouterr().out
    archived = LedgerArchive.objects.get().partitions.split(",")
    assert archived and LedgerClosing.objects.exists()
    assert not StockMovement.objects.filter(created_at__lt=cut).exists()
    assert stock_mismatches() == []
    assert as_of_answers(after) == {at: expected[at] for at in after}
    assert api_pages(manager_api, products, cut) == pages
    assert movement_balances(movement_ids=newest) == balances
    assert manager_client.get("/admin/inventory/stockmovement/").status_code == 200
    for at in before:
        for url in ("/api/v1/quants/", "/api/v1/stock/"):
            response = manager_api.get(url, {"as_of": at.isoformat()})
            assert response.status_code == 410, response.content
            assert response.json()["code"] == "period_archived"
            assert response.json()["archived_before"] == cut.isoformat()
    # Archived movements stay append-only in the archive schema.
    with pytest.raises(IntegrityError, match="append-only"), transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {ARCHIVE_SCHEMA}.{archived[0]}")
    with pytest.raises(CommandError, match="archived already"):
        call_command("ledger_archive", "--before", f"{cut:%Y-%m}")

    call_command("ledger_archive", "--restore")
    # The closings stay (balances at their instants, archived or not); the archive is gone.
    assert LedgerClosing.objects.exists() and not LedgerArchive.objects.exists()
    assert stock_mismatches() == []
    assert as_of_answers(after + before) == expected
    assert movement_balances(movement_ids=newest) == balances


def test_archive_twice_then_restore(capsys):
    call_command("generate_load_data", *SMALL, "--days", "400")
    today = datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    first = (today - timedelta(days=300)).replace(day=1)
    second = (today - timedelta(days=120)).replace(day=1)
    instants = [second, second + timedelta(days=9), today]
    expected = as_of_answers(instants)
    call_command("ledger_archive", "--before", f"{first:%Y-%m}")
    call_command("ledger_archive", "--before", f"{second:%Y-%m}")
    assert stock_mismatches() == []
    assert as_of_answers(instants) == expected
    call_command("ledger_archive", "--restore")
    assert stock_mismatches() == []
    assert as_of_answers(instants) == expected


def test_the_current_month_cannot_be_archived():
    with pytest.raises(CommandError, match="in the future"):
        call_command("ledger_archive", "--before", "2999-01")
    with pytest.raises(CommandError, match="YYYY-MM"):
        call_command("ledger_archive", "--before", "last year")
