from django.conf import settings
from django.db import models
from django.db.models import F, Q

from wms.db import NamedIndex


class DocType(models.TextChoices):
    RECEIPT = "receipt", "receipt"
    SHIPMENT = "shipment", "shipment"
    TRANSFER = "transfer", "transfer"
    ADJUSTMENT = "adjustment", "adjustment"
    COUNT = "count", "count"
    RETURN = "return", "return"


class Status(models.TextChoices):
    DRAFT = "draft", "draft"
    RESERVED = "reserved", "reserved"
    POSTED = "posted", "posted"
    CANCELLED = "cancelled", "cancelled"


CANCEL_REASON_MAX = 500
# The most lines one document takes, whoever writes it (the API, Create return).
MAX_LINES = 1000

NUMBER_PREFIX = {
    DocType.RECEIPT: "RCV",
    DocType.SHIPMENT: "SHP",
    DocType.TRANSFER: "TRF",
    DocType.ADJUSTMENT: "ADJ",
    DocType.COUNT: "CNT",
    DocType.RETURN: "RET",
}


def numbered(prefix: str, pk: int) -> str:
    """The number people read and barcodes carry: a prefix and the id, at least six digits."""
    return f"{prefix}-{pk:06d}"


class Document(models.Model):
    # Set from the primary key by documents.services.document_create in the same transaction
    # as the insert, so it is never empty once committed (NULL, unlike "", can be unique).
    number = models.CharField(max_length=32, unique=True, null=True, editable=False)  # noqa: DJ001
    doc_type = models.CharField(max_length=16, choices=DocType.choices)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.DRAFT)
    warehouse = models.ForeignKey(
        "warehouses.Warehouse", on_delete=models.PROTECT, related_name="documents"
    )
    destination_warehouse = models.ForeignKey(
        "warehouses.Warehouse",
        on_delete=models.PROTECT,
        related_name="incoming_documents",
        null=True,
        blank=True,
        help_text="Transfers only: where the goods go; the warehouse itself for an internal move.",
    )
    backorder_of = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        related_name="backorders",
        null=True,
        blank=True,
        help_text="The posted document this draft holds what was not shipped of.",
    )
    # On PostgreSQL fk_documents_origin_same_warehouse also keeps it in the return's warehouse.
    origin = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        related_name="returns",
        null=True,
        blank=True,
        help_text="Returns only: the posted shipment whose goods come back.",
    )
    reference = models.CharField(max_length=100, blank=True, db_index=True)
    note = models.TextField(blank=True)
    # A blind count: its counters never see a book quantity, on screen or on paper.
    blind = models.BooleanField(default=False, db_default=False)  # raw inserts too
    # Indexed through ix_documents_created_by_created_at, which leads with this column.
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        db_index=False,
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    posted_at = models.DateTimeField(null=True, blank=True)
    posted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    cancel_reason = models.CharField(
        max_length=CANCEL_REASON_MAX, blank=True, help_text="Why it was cancelled, as given."
    )

    class Meta:
        db_table = "documents"
        ordering = ["-id"]
        permissions = [
            ("post_document", "Can post documents"),
            ("cancel_document", "Can cancel documents"),
            ("post_stock_correction", "Can post adjustments and counts"),
            ("post_return", "Can post returns"),
        ]
        indexes = [
            NamedIndex(fields=["status", "created_at"], name="ix_documents_status_created_at"),
            NamedIndex(fields=["doc_type", "status"], name="ix_documents_type_status"),
            NamedIndex(
                fields=["created_by", "created_at"], name="ix_documents_created_by_created_at"
            ),
            # ?created_before= pages newest first by time from the bound (the API).
            NamedIndex(fields=["created_at"], name="ix_documents_created_at"),
            # Drafts waiting per type and the oldest (the dashboard), from the index alone.
            NamedIndex(
                fields=["doc_type", "created_at"],
                condition=Q(status="draft"),
                name="ix_documents_drafts_type_created_at",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(doc_type__in=DocType.values), name="check_documents_doc_type_valid"
            ),
            models.CheckConstraint(
                condition=Q(blind=False) | Q(doc_type="count"),
                name="check_documents_blind_only_counts",
            ),
            models.CheckConstraint(
                condition=Q(status__in=Status.values), name="check_documents_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(doc_type=DocType.TRANSFER, destination_warehouse__isnull=False)
                | (~Q(doc_type=DocType.TRANSFER) & Q(destination_warehouse__isnull=True)),
                name="check_documents_destination_transfer_only",
            ),
            models.CheckConstraint(
                condition=Q(doc_type=DocType.RETURN, origin__isnull=False)
                | (~Q(doc_type=DocType.RETURN) & Q(origin__isnull=True)),
                name="check_documents_origin_return_only",
            ),
            # The target of fk_documents_origin_same_warehouse (PostgreSQL).
            models.UniqueConstraint(fields=["id", "warehouse"], name="uq_documents_id_warehouse"),
            models.CheckConstraint(
                condition=~Q(status=Status.POSTED) | Q(posted_at__isnull=False),
                name="check_documents_posted_has_posted_at",
            ),
            models.CheckConstraint(
                condition=~Q(status=Status.CANCELLED) | Q(cancelled_at__isnull=False),
                name="check_documents_cancelled_has_cancelled_at",
            ),
        ]

    def __str__(self) -> str:
        return self.number or f"{self.get_doc_type_display()} (new)"

    @property
    def is_draft(self) -> bool:
        return self.status == Status.DRAFT


class DocumentLine(models.Model):
    # Indexed through ix_document_lines_document_product, which leads with this column.
    document = models.ForeignKey(
        Document, on_delete=models.CASCADE, related_name="lines", db_index=False
    )
    product = models.ForeignKey(
        "inventory.Product", on_delete=models.PROTECT, related_name="document_lines"
    )
    # Signed for adjustments, the counted quantity for counts; the rules per type live in
    # documents.services.
    quantity = models.BigIntegerField()
    # Where the line puts stock (receipts, adjustments, counts: the warehouse's default location
    # when empty) or where it takes it from (shipments, transfers: anywhere in the warehouse
    # when empty, else this location and everything below it).
    location = models.ForeignKey(
        "warehouses.Location",
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    destination_location = models.ForeignKey(
        "warehouses.Location",
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        help_text="Transfers only; the destination warehouse's default location when empty.",
    )
    lot = models.ForeignKey(
        "inventory.Lot", on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    # What was entered when the line was given in packs ("3 cases"); ``quantity`` stays the
    # stock steps. The pack's size is kept as it was then, so the line reads the same after
    # the packaging changes, and the database checks the product of the two.
    packaging = models.ForeignKey(
        "inventory.Packaging", on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    packaging_quantity = models.BigIntegerField(null=True, blank=True)
    packaging_size = models.BigIntegerField(null=True, blank=True, editable=False)
    # Steps entered beside the packs: a count of "3 cases + 4" keeps 3 cases and 4 loose.
    loose_quantity = models.BigIntegerField(null=True, blank=True)

    class Meta:
        db_table = "document_lines"
        ordering = ["id"]
        indexes = [
            NamedIndex(fields=["document", "product"], name="ix_document_lines_document_product")
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(destination_location__isnull=True)
                | ~Q(destination_location=F("location")),
                name="check_document_lines_destination_differs",
            ),
            models.CheckConstraint(
                condition=Q(
                    packaging__isnull=True,
                    packaging_quantity__isnull=True,
                    packaging_size__isnull=True,
                    loose_quantity__isnull=True,
                )
                | Q(
                    packaging__isnull=False,
                    packaging_quantity__isnull=False,
                    packaging_size__gte=2,
                    loose_quantity__isnull=True,
                    quantity=F("packaging_quantity") * F("packaging_size"),
                )
                # NULLs spelled out: a CHECK passes what it cannot decide.
                | Q(
                    packaging__isnull=False,
                    packaging_quantity__isnull=False,
                    packaging_quantity__gte=0,
                    packaging_size__gte=2,
                    loose_quantity__isnull=False,
                    loose_quantity__gte=0,
                    quantity=F("packaging_quantity") * F("packaging_size") + F("loose_quantity"),
                ),
                name="check_document_lines_packaging_exact",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.product_id} × {self.quantity}"

    @property
    def lot_code(self) -> str:
        return self.lot.code if self.lot_id else ""


class PostingFailure(models.Model):
    """An attempt to post a document that was refused or failed, for ops statistics.

    Written by documents.services.document_post after the posting's own transaction has rolled
    back. Rows older than 90 days are deleted by ``manage.py purge_posting_failures`` (run it
    daily; docs/operations.md).
    """

    document = models.ForeignKey(
        Document,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="posting_failures",
    )
    # The document as it was, so the row still says something once a draft is deleted.
    document_number = models.CharField(max_length=32, blank=True)
    doc_type = models.CharField(max_length=16, blank=True)
    reason = models.CharField(max_length=40)
    message = models.TextField(blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        related_name="+",
        null=True,
        blank=True,
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "document_post_failures"
        ordering = ["-id"]
        indexes = [
            NamedIndex(fields=["created_at"], name="ix_document_post_failures_created_at"),
        ]

    def __str__(self) -> str:
        return f"{self.document_number or '?'}: {self.reason}"


class PickList(models.Model):
    """A walk through the warehouse for one or more reserved documents (a wave)."""

    documents = models.ManyToManyField(Document, related_name="pick_lists")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "pick_lists"
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"Pick list {self.number}"

    @property
    def number(self) -> str:
        """What the paper prints and its barcode carries, in the documents' style."""
        return numbered("PCK", self.pk)


class PickConfirmation(models.Model):
    """What a picker confirmed for one task of a pick list (a location, product and lot): how
    many were picked and, when fewer than the task asked, why. Written once per task; the
    phone's request id makes a repeated request (a reload, a lost answer) the same row."""

    pick_list = models.ForeignKey(PickList, on_delete=models.CASCADE, related_name="confirmations")
    # "<location id>-<product id>-<lot id or 0>": one non-null key per task, so the constraint
    # below is the same on PostgreSQL and SQLite (a nullable lot would not be).
    task = models.CharField(max_length=64)
    location = models.ForeignKey("warehouses.Location", on_delete=models.PROTECT, related_name="+")
    product = models.ForeignKey("inventory.Product", on_delete=models.PROTECT, related_name="+")
    lot = models.ForeignKey(
        "inventory.Lot", on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    quantity = models.BigIntegerField()
    asked = models.BigIntegerField()
    reason = models.CharField(max_length=200, blank=True)
    request_id = models.UUIDField()
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    confirmed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "pick_confirmations"
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["pick_list", "task"], name="uq_pick_confirmations_task"
            ),
            models.UniqueConstraint(fields=["request_id"], name="uq_pick_confirmations_request"),
            models.CheckConstraint(
                condition=Q(quantity__gte=0) & Q(quantity__lte=F("asked")),
                name="check_pick_confirmations_quantity",
            ),
            models.CheckConstraint(
                condition=Q(quantity=F("asked")) | ~Q(reason=""),
                name="check_pick_confirmations_short_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return (
            f"{self.quantity} of {self.asked} for task {self.task} of pick list {self.pick_list_id}"
        )


# In a module of its own beside the app's models; imported here so the app registers it.
from documents.count_confirmations import CountConfirmation  # noqa: E402, F401
