"""generate_load_data's last step (documents/loadgen.py): through the services, posted transfers
within a warehouse, posted returns of posted shipments, postings cancelled with their
reversals and backorders of short postings, all in a month no closing covers, and the stock
check passes."""

import pytest
from django.core.management import call_command
from django.db.models import Sum

from documents.models import DocType, Document, Status
from inventory.closings import LedgerClosedMonth
from inventory.models import StockMovement
from inventory.selectors import stock_mismatches
from tests.inventory.load_data import SMALL

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]


def moved(document: Document, **rows) -> int:
    return (
        StockMovement.objects.filter(document=document, **rows).aggregate(n=Sum("quantity"))["n"]
        or 0
    )


def test_service_documents_of_every_kind(capsys):
    call_command("generate_load_data", *SMALL, "--service-documents", "16")
    out = capsys.readouterr().out
    assert "service documents: 4 posted transfers" in out
    assert "reconcile_stock: all agree" in out
    assert stock_mismatches() == []
    posted = Document.objects.filter(status=Status.POSTED)
    assert set(posted.values_list("doc_type", flat=True)) == set(DocType.values)

    transfers = posted.filter(doc_type=DocType.TRANSFER)
    assert transfers.count() == 4
    for transfer in transfers:
        assert transfer.destination_warehouse_id == transfer.warehouse_id
        assert moved(transfer) == 0  # each unit left one shelf for another
        shelves = StockMovement.objects.filter(document=transfer).values_list(
            "location__parent_id", flat=True
        )
        assert None not in shelves

    returns = posted.filter(doc_type=DocType.RETURN)
    assert returns.count() == 4
    for back in returns:
        assert back.origin.status == Status.POSTED
        assert back.origin.doc_type == DocType.SHIPMENT
        assert moved(back) == -moved(back.origin) > 0

    cancelled = Document.objects.filter(status=Status.CANCELLED, posted_at__isnull=False)
    assert set(cancelled.values_list("doc_type", flat=True)) == {
        DocType.RECEIPT,
        DocType.SHIPMENT,
        DocType.TRANSFER,
        DocType.ADJUSTMENT,
    }
    for document in cancelled:
        assert moved(document, is_reversal=True) == -moved(document, is_reversal=False)
        assert StockMovement.objects.filter(document=document, is_reversal=True).exists()

    backorders = Document.objects.filter(backorder_of__isnull=False)
    assert backorders.count() == 4
    for backorder in backorders:
        shipment = backorder.backorder_of
        assert (shipment.doc_type, shipment.status) == (DocType.SHIPMENT, Status.POSTED)
        assert (backorder.doc_type, backorder.status) == (DocType.SHIPMENT, Status.DRAFT)
        ordered = shipment.lines.aggregate(n=Sum("quantity"))["n"]
        owed = backorder.lines.aggregate(n=Sum("quantity"))["n"]
        assert -moved(shipment) + owed == ordered and owed > 0

    # Posted after the closings, in a month none covers: the closings stay what they were.
    last_closed = LedgerClosedMonth.objects.order_by("-closed_at")[0].closed_at
    made = StockMovement.objects.filter(document__in=[*transfers, *returns, *cancelled])
    assert made.exists() and not made.filter(created_at__lt=last_closed).exists()


def test_none_with_zero(capsys):
    call_command("generate_load_data", *SMALL, "--service-documents", "0", "--no-reconcile")
    assert "service documents" not in capsys.readouterr().out
    assert not Document.objects.filter(doc_type=DocType.TRANSFER, status=Status.POSTED).exists()
    assert not Document.objects.filter(backorder_of__isnull=False).exists()
