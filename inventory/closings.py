"""Closed ledger periods: what each quant held when older movements were archived.

``manage.py ledger_archive --before YYYY-MM`` writes, per quant holding something at that
instant (the cut), one ``LedgerClosing`` row with its balance, records the cut as a
``LedgerArchive``, and detaches the months before it into the ``archive`` schema. From then on a
quant's history is its closing balance followed by the movements still attached: reconcile_stock
adds the closing to the ledger's sum and to each running balance, stock as of an instant after
the cut falls back on the closing, and an instant before the cut is refused (410
``period_archived``) until ``--restore`` attaches the months again.
"""

from django.db import models

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
            )
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
