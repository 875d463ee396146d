"""What a counter confirmed for one shelf of a count on the phone: the shelf, how much was
counted on it in all (0 only when it was confirmed empty on purpose), who and when. The counted
quantities themselves are the count's lines, written in the same transaction."""

from django.conf import settings
from django.db import models
from django.db.models import Q


class CountConfirmation(models.Model):
    """Written once per shelf of a count; the phone's request id makes a repeated request (a
    reload, a lost answer) the same row, and a second counter's confirmation of the shelf a
    conflict with the first."""

    document = models.ForeignKey(
        "documents.Document", on_delete=models.CASCADE, related_name="count_confirmations"
    )
    location = models.ForeignKey("warehouses.Location", on_delete=models.PROTECT, related_name="+")
    # Stock steps counted on the shelf, every product and lot together.
    counted = models.BigIntegerField()
    empty = models.BooleanField(default=False)
    request_id = models.UUIDField()
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    confirmed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "count_confirmations"
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["document", "location"], name="uq_count_confirmations_shelf"
            ),
            models.UniqueConstraint(fields=["request_id"], name="uq_count_confirmations_request"),
            models.CheckConstraint(
                condition=Q(counted__gte=0), name="check_count_confirmations_counted"
            ),
            # Nothing counted is a shelf confirmed as empty, said so; never a slip of a thumb.
            models.CheckConstraint(
                condition=Q(empty=True, counted=0) | Q(empty=False, counted__gt=0),
                name="check_count_confirmations_empty_said",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.counted} counted on location {self.location_id} of count {self.document_id}"
