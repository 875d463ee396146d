"""Cancelling: a draft is dropped, a posted document's stock is moved back."""

import logging

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from documents import metrics, signals
from documents.models import (
    CANCEL_REASON_MAX,
    DocType,
    Document,
    Status,
)
from documents.services._common import _lock
from documents.services.actions import CANCEL, require_state
from documents.services.permissions import CANCEL_PERMISSIONS, _require
from documents.services.returns import _refuse_if_returned
from inventory.services import stock_release, stock_reverse

logger = logging.getLogger(__name__)


def document_cancel(*, document_id: int, user=None, reason: str = "") -> Document:
    """Cancel a draft, or a posted document by writing movements that reverse its own; the
    reason given is kept on the document.

    A posted document whose reversal would take back stock that is gone is refused with
    InsufficientStock and stays posted.
    """
    reason = reason.strip()
    if len(reason) > CANCEL_REASON_MAX:
        raise ValidationError({"reason": f"At most {CANCEL_REASON_MAX} characters."})
    with transaction.atomic():
        document = _lock(document_id)
        _require(user, CANCEL_PERMISSIONS, "cancel documents")
        require_state(document, CANCEL, f"{document.number} is already cancelled.")
        reversed_count = 0
        if document.status == Status.RESERVED:
            stock_release(document_id=document.pk)
        if document.status == Status.POSTED and document.doc_type == DocType.SHIPMENT:
            _refuse_if_returned(document)
        if document.status == Status.POSTED:
            reversed_count = stock_reverse(document_id=document.pk)
        document.status = Status.CANCELLED
        document.cancelled_at = timezone.now()
        document.cancelled_by = user
        document.cancel_reason = reason
        document.save(
            update_fields=["status", "cancelled_at", "cancelled_by", "cancel_reason", "updated_at"]
        )
        signals.document_cancelled.send(sender=Document, document=document)
    transaction.on_commit(
        lambda: metrics.document_cancelled(doc_type=document.doc_type, movements=reversed_count)
    )
    logger.info("Document %s cancelled (%d movements reversed)", document.number, reversed_count)
    return document
