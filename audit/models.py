from django.db import models
from django.utils import timezone

from wms.db import NamedIndex


class AuditEvent(models.Model):
    """One change of audited data, or one security event: append-only, hash-chained.

    No foreign keys in or out: the row outlives what it describes, and the table can become a
    PostgreSQL table partitioned by month of ``created_at`` (docs/operations.md).
    ``content_hash`` is written with the row (sha256 of its fields); ``seal_seq`` and
    ``chain_hash`` are set once, later, by the sealing step (audit.chain), which links every
    committed row to the one sealed before it without any lock in the writing transaction.
    """

    created_at = models.DateTimeField(default=timezone.now, editable=False)
    # create / update / delete, a lifecycle verb (post, cancel, reserve, unreserve), or a
    # security event (login, login_failed, login_locked, denied, rate_limited).
    action = models.CharField(max_length=32)
    # The model's name in lower case (product, user, user_groups), or "request" for a refusal.
    model = models.CharField(max_length=64)
    object_id = models.CharField(max_length=255, blank=True)
    actor = models.CharField(max_length=255, blank=True)
    via = models.CharField(max_length=16)
    request_id = models.CharField(max_length=64, blank=True)
    changes = models.JSONField(default=dict)
    content_hash = models.CharField(max_length=64, blank=True)
    seal_seq = models.BigIntegerField(null=True, blank=True, unique=True)
    chain_hash = models.CharField(max_length=64, blank=True)

    class Meta:
        db_table = "audit_events"
        ordering = ["-id"]
        permissions = [("read_audit", "Can read the audit trail")]
        indexes = [
            NamedIndex(fields=["model", "object_id", "-id"], name="ix_audit_events_model_object"),
            NamedIndex(fields=["actor", "-id"], name="ix_audit_events_actor"),
            NamedIndex(fields=["created_at"], name="ix_audit_events_created_at"),
        ]

    def __str__(self) -> str:
        return f"{self.action} {self.model} {self.object_id}"


class AuditArchive(models.Model):
    """Rows of the trail moved to a file by ``manage.py audit_archive``: a prefix of the chain.

    The rows sealed ``first_seal_seq``..``last_seal_seq`` are in ``file`` (gzip'd JSON lines,
    whose sha256 is ``sha256``); ``previous_hash`` is the chain hash the file's first row links
    to, ``anchor_hash`` the chain hash of its last row, where the rows left in the table go on
    (verify_audit starts there). Removed when the file is restored.
    """

    created_at = models.DateTimeField(default=timezone.now, editable=False)
    before = models.DateField(help_text="The first month kept in the table.")
    first_seal_seq = models.BigIntegerField()
    last_seal_seq = models.BigIntegerField(unique=True)
    previous_hash = models.CharField(max_length=64)
    anchor_hash = models.CharField(max_length=64)
    rows = models.BigIntegerField()
    file = models.CharField(max_length=255)
    sha256 = models.CharField(max_length=64)

    class Meta:
        db_table = "audit_archives"
        ordering = ["-last_seal_seq"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(first_seal_seq__gte=1)
                & models.Q(last_seal_seq__gte=models.F("first_seal_seq"))
                & models.Q(rows=models.F("last_seal_seq") - models.F("first_seal_seq") + 1),
                name="ck_audit_archives_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.file} (seals {self.first_seal_seq}..{self.last_seal_seq})"
