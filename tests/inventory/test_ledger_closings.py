"""Monthly closings (inventory/month_close.py): stock as of any instant read from the closings
and one month of the ledger equals what the whole ledger says, through closed and open months,
cancellations and archived months; a read touches one month's partition."""

import random
import re
from datetime import UTC, datetime, timedelta

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from documents.services import LineInput, document_cancel, document_create, document_post
from inventory.closings import LedgerClosedMonth, LedgerClosing
from inventory.models import Quant, StockMovement
from inventory.month_close import SETTLE, close_months, month_instant, reopen_after
from inventory.selectors import quant_list, stock_as_of, stock_list, warehouse_stock_as_of
from tests.factories import ProductFactory, WarehouseFactory
from tests.inventory.load_data import SMALL
from warehouses.models import Warehouse

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]


def ledger_says(moment) -> dict[int, int]:
    """{quant: balance at ``moment``} from the whole attached ledger, holding something."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT quant_id, balance_after FROM (SELECT DISTINCT ON (quant_id) quant_id, "
            "balance_after FROM stock_movements WHERE created_at <= %s "
            "ORDER BY quant_id, created_at DESC, id DESC) m WHERE balance_after > 0",
            [moment],
        )
        return dict(cursor.fetchall())


def by_pair(quants: dict[int, int]) -> dict[tuple[int, int], int]:
    found: dict[tuple[int, int], int] = {}
    for quant, warehouse, product in Quant.objects.filter(pk__in=quants).values_list(
        "id", "warehouse_id", "product_id"
    ):
        found[(warehouse, product)] = found.get((warehouse, product), 0) + quants[quant]
    return found


def selectors_say(moment):
    """(quants, stock rows, each warehouse set-based) through the selectors."""
    quants = dict(quant_list(as_of=moment).values_list("id", "shown_quantity"))
    rows = stock_as_of(stock_list(), moment).values_list(
        "warehouse_id", "product_id", "shown_quantity"
    )
    stock = {(w, p): q for w, p, q in rows if q}
    whole = {
        (w, p): q
        for w in Warehouse.objects.values_list("pk", flat=True)
        for p, q in warehouse_stock_as_of(warehouse_id=w, moment=moment).items()
    }
    return quants, stock, whole


def expected(moment):
    quants = ledger_says(moment)
    pairs = by_pair(quants)
    return quants, pairs, pairs


def post_and_cancel_now(rng: random.Random) -> list[datetime]:
    """Receipts, shipments and cancellations in the current month; the instants between them."""
    warehouse = WarehouseFactory()
    products = ProductFactory.create_batch(2)
    instants, posted = [], []
    for step in range(12):
        kind = ["receipt", "receipt", "shipment", "cancel"][step % 4]
        if kind == "cancel":
            document_cancel(document_id=posted.pop(rng.randrange(len(posted))))
        else:
            lines = [LineInput(p.pk, rng.randint(1, 3)) for p in products]
            document = document_create(doc_type=kind, warehouse_id=warehouse.pk, lines=lines)
            document_post(document_id=document.pk)
            posted.append(document.pk)
        instants.append(timezone.now())
    assert StockMovement.objects.filter(is_reversal=True).exists()
    return instants


def month_starts(first: datetime, last: datetime) -> list[datetime]:
    found, at = [], month_instant(first)
    while at <= last:
        found.append(at)
        at = month_instant(at + timedelta(days=32))
    return found


def test_as_of_from_closings_equals_the_whole_ledger(capsys):
    rng = random.Random(17)
    call_command("generate_load_data", *SMALL, "--days", "400")
    # The generator closes every month that ended, as the daily ledger_partitions run does.
    closed = list(
        LedgerClosedMonth.objects.order_by("closed_at").values_list("closed_at", flat=True)
    )
    now = timezone.now()
    assert closed[-1] == month_instant(now - SETTLE) and len(closed) >= 13
    assert LedgerClosing.objects.filter(closed_at=closed[-1]).count() == len(
        ledger_says(closed[-1])
    )
    recent = post_and_cancel_now(rng)

    oldest = StockMovement.objects.order_by("created_at").values_list("created_at", flat=True)[0]
    instants = [oldest - timedelta(days=3), oldest, now - timedelta(days=2), *recent]
    for start in month_starts(oldest, now):
        instants += [start, start - timedelta(microseconds=1), start + timedelta(microseconds=1)]
    instants += [oldest + (now - oldest) * rng.random() for _ in range(25)]
    answers = {at: expected(at) for at in instants}
    for at in instants:
        assert selectors_say(at) == answers[at], at

    # The current month closed too (as at the next month's start): its reversals inside.
    close_months(now=month_instant(now + timedelta(days=32)) + SETTLE)
    assert LedgerClosedMonth.objects.filter(closed_at__gt=now).exists()
    for at in recent:
        assert selectors_say(at) == answers[at], at

    # Forgetting the closings falls back on the whole ledger, with the same answers.
    reopen_after(closed[0])
    assert LedgerClosedMonth.objects.count() == 1
    for at in instants[:12]:
        assert selectors_say(at) == answers[at], at
    call_command("ledger_partitions", "--quiet")
    assert "closed at" in capsys.readouterr().out
    assert LedgerClosedMonth.objects.order_by("-closed_at")[0].closed_at == closed[-1]

    # Archived months: every instant after the cut answers as before.
    cut = closed[len(closed) // 2]
    call_command("ledger_archive", "--before", f"{cut:%Y-%m}")
    assert not StockMovement.objects.filter(created_at__lt=cut).exists()
    after = [at for at in instants if at >= cut]
    assert len(after) > 10
    for at in after:
        assert selectors_say(at) == answers[at], at
    call_command("ledger_archive", "--restore")
    for at in instants:
        assert selectors_say(at) == answers[at], at


def partitions_read(call) -> set[str]:
    """The ledger partitions the plan of the longest query ``call`` makes reads."""
    with CaptureQueriesContext(connection) as queries:
        call()
    sql = max(queries.captured_queries, key=lambda q: len(q["sql"]))["sql"]
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN {sql}")
        plan = "\n".join(row[0] for row in cursor.fetchall())
    return set(re.findall(r"stock_movements_y\d{4}m\d{2}", plan))


def test_an_as_of_read_touches_one_month():
    call_command("generate_load_data", *SMALL, "--days", "400", "--no-reconcile")
    quant = Quant.objects.filter(quantity__gt=0).first()
    at = datetime.now(UTC) - timedelta(days=200)
    read = partitions_read(lambda: list(quant_list(as_of=at).filter(pk=quant.pk)))
    assert read == {f"stock_movements_y{at:%Y}m{at:%m}"}
    whole = partitions_read(
        lambda: warehouse_stock_as_of(warehouse_id=quant.warehouse_id, moment=at)
    )
    assert whole == {f"stock_movements_y{at:%Y}m{at:%m}"}


def test_a_month_is_closed_only_once_it_has_settled():
    warehouse, product = WarehouseFactory(), ProductFactory()
    receipt = document_create(
        doc_type="receipt", warehouse_id=warehouse.pk, lines=[LineInput(product.pk, 5)]
    )
    document_post(document_id=receipt.pk)
    now = timezone.now()
    start = month_instant(now)
    following = month_instant(start + timedelta(days=32))
    # The ledger's first month is recorded with no closing; the month itself is not closed
    # until SETTLE after it ends, then holds the receipt.
    assert [c.closed_at for c in close_months(now=now)] == [start]
    assert close_months(now=following + SETTLE - timedelta(seconds=1)) == []
    assert [(c.closed_at, c.closings) for c in close_months(now=following + SETTLE)] == [
        (following, 1)
    ]
    assert close_months(now=following + SETTLE) == []
    closing = LedgerClosing.objects.get()
    assert (closing.closed_at, closing.balance) == (following, 5)
