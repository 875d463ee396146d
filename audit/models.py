from django.db import models
from django.utils import timezone

from wms.db import NamedIndex


class AuditEvent(models.Model):
    """One change of audited data, or one security event: append-only, hash-chained.

    No foreign keys in or out: the row outlives what it describes. On PostgreSQL the table is
    partitioned by month of ``created_at`` (audit.partitions), its primary key and the seal
    number's unique key include ``created_at`` there.
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
    """A month of the trail detached into the ``archive`` schema by ``manage.py audit_archive``.

    One row per month and run of consecutive seal numbers in it: the rows sealed
    ``first_seal_seq``..``last_seal_seq`` are in ``archive.<partition>``; ``previous_hash`` is
    the chain hash its first row links to, ``anchor_hash`` the chain hash of its last row, where
    the chain goes on. verify_audit crosses the gap with them. A month has two runs (or more)
    only when a row of it committed after a row of the next month was sealed. Removed when
    ``--restore`` attaches the month again.
    """

    created_at = models.DateTimeField(default=timezone.now, editable=False)
    month = models.DateField(help_text="The first day of the month archived.")
    partition = models.CharField(max_length=63, help_text="Its table in the archive schema.")
    first_seal_seq = models.BigIntegerField(unique=True)
    last_seal_seq = models.BigIntegerField(unique=True)
    previous_hash = models.CharField(max_length=64)
    anchor_hash = models.CharField(max_length=64)
    rows = models.BigIntegerField()

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
        return f"{self.partition} (seals {self.first_seal_seq}..{self.last_seal_seq})"
