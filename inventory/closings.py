"""Closed ledger periods: what each quant held at the start of each month.

Monthly closings. ``manage.py ledger_partitions`` (daily) closes every month that has ended
(``inventory/month_close.py``): per quant holding something at the first instant of the next
month, one ``LedgerClosing`` row with its balance, and the instant recorded as a
``LedgerClosedMonth``. Stock as of an instant ``t`` is then, per quant, ``balance_after`` of its
last row between the latest recorded instant at or before ``t`` and ``t`` (one month's partition),
else its closing at that instant, else 0 -- never a walk over every month before ``t``.

Archives. ``manage.py ledger_archive --before YYYY-MM`` writes, per quant holding something at that
instant (the cut), one ``LedgerClosing`` row with its balance, records the cut as a
``LedgerArchive``, and detaches the months before it into the ``archive`` schema. From then on a
quant's history is its closing balance followed by the movements still attached: reconcile_stock
adds the closing to the ledger's sum and to each running balance, stock as of an instant after
the cut falls back on the closing, and an instant before the cut is refused (410
``period_archived``) until ``--restore`` attaches the months again.
"""

from django.db import models

from wms.db import NamedIndex
from wms.exceptions import DomainError


class LedgerArchive(models.Model):
    """One archiving run: movements before ``cut`` are in the archive schema."""

    cut = models.DateTimeField(unique=True)
    partitions = models.TextField(help_text="The partitions detached, comma-separated.")
    archived_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "ledger_archives"
        ordering = ["-cut"]

    def __str__(self) -> str:
        return f"ledger before {self.cut:%Y-%m}"


class LedgerClosedMonth(models.Model):
    """An instant (the first of a month, UTC) at which every quant holding something has its
    ``LedgerClosing`` row: the closings there are complete and may open an as-of read."""

    closed_at = models.DateTimeField(unique=True)
    closings = models.BigIntegerField(help_text="Quants holding something at that instant.")
    made_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "ledger_closed_months"
        ordering = ["-closed_at"]

    def __str__(self) -> str:
        return f"ledger closed at {self.closed_at:%Y-%m-%d}"


class LedgerClosing(models.Model):
    """A quant's balance at a cut: its opening balance for the movements after it."""

    quant = models.ForeignKey(
        "inventory.Quant", on_delete=models.PROTECT, related_name="+", db_index=False
    )
    # The quant's, repeated so a (warehouse, product) history can add its closings (the
    # movements page's balances) without a join.
    warehouse = models.ForeignKey(
        "warehouses.Warehouse", on_delete=models.PROTECT, related_name="+", db_index=False
    )
    product = models.ForeignKey(
        "inventory.Product", on_delete=models.PROTECT, related_name="+", db_index=False
    )
    closed_at = models.DateTimeField()
    balance = models.BigIntegerField()

    class Meta:
        db_table = "ledger_closings"
        ordering = ["quant_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["quant", "closed_at"], name="uq_ledger_closings_quant_closed_at"
            ),
            models.CheckConstraint(
                condition=models.Q(balance__gt=0), name="check_ledger_closings_balance_positive"
            ),
        ]
        indexes = [
            models.Index(
                fields=["warehouse", "product", "closed_at"], name="ix_ledger_closings_pair"
            ),
            # A whole warehouse as of an instant: its closings at one month start, read from
            # the index alone.
            NamedIndex(
                fields=["closed_at", "warehouse"],
                include=["quant", "product", "balance"],
                name="ix_ledger_closings_closed_at_warehouse",
            ),
        ]

    def __str__(self) -> str:
        return f"quant {self.quant_id} held {self.balance} at {self.closed_at:%Y-%m-%d}"


class PeriodArchived(DomainError):
    """An instant before the ledger's archive cut: its movements are not attached."""

    code = "period_archived"
    status_code = 410

    def __init__(self, cut):
        super().__init__(
            f"Movements before {cut:%Y-%m-%d %H:%M} UTC are archived; ask for a later instant, "
            "or restore the archive (manage.py ledger_archive --restore)."
        )
        self.cut = cut

    def details(self) -> dict:
        return {"archived_before": self.cut.isoformat()}


def active_cut():
    """The latest cut, or None if nothing is archived."""
    return LedgerArchive.objects.order_by("-cut").values_list("cut", flat=True).first()


def opening_before(moment):
    """The latest instant at or before ``moment`` whose closings are complete, or None."""
    return (
        LedgerClosedMonth.objects.filter(closed_at__lte=moment)
        .order_by("-closed_at")
        .values_list("closed_at", flat=True)
        .first()
    )
