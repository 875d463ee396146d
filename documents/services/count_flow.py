"""Counting shelf by shelf on a phone: each shelf's confirmation is stored once (one
idempotent request) and fills the count's lines for that shelf in the same transaction; once
every shelf is confirmed the count waits for a supervisor to post it, or is posted when
settings.COUNT_FLOW_POSTS is on and the counter may post counts."""

import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from documents.count_confirmations import CountConfirmation
from documents.exceptions import DocumentStateError, ShelfAlreadyCounted
from documents.models import DocType, Document, Status
from documents.selectors import count_shelf_ids
from documents.services.actions import EDIT, require_state
from documents.services.drafts import _write_lines
from documents.services.lines import LineInput, document_validate
from documents.services.permissions import _require, user_can_post
from documents.services.pick_flow import _who
from documents.services.posting import document_post
from inventory.services import MAX_QUANTITY

# Entering what was counted is editing the count's draft, as on the count's own page.
COUNT_PERMISSIONS = ("documents.change_document",)


@dataclass(frozen=True)
class Counted:
    """What was found of one product (and lot, by its code) on the shelf, in stock steps."""

    product_id: int
    quantity: int
    lot: str | None = None


def count_confirm(
    *,
    document_id: int,
    location_id: int,
    counted: Sequence[Counted],
    request_id: uuid.UUID,
    empty: bool = False,
    user=None,
) -> CountConfirmation:
    """Store what was counted on one shelf of a draft count and make the count's lines of
    that shelf say it: each line's quantity becomes what was counted of its product and lot
    (0 when none was found), and what was found that no line had gets a line of its own.

    Nothing counted must be said (``empty``). The same ``request_id`` again returns the stored
    confirmation (a retried request); the shelf confirmed by another request raises
    ShelfAlreadyCounted naming who counted it. Raises PermissionDenied, Document.DoesNotExist,
    DocumentStateError (not a draft count) and ValidationError (a shelf the count does not
    cover, a lot that does not exist, a negative quantity...)."""
    _require(user, COUNT_PERMISSIONS, "count")
    with transaction.atomic():
        # The count's row orders its counters: one confirmation at a time per count.
        document = Document.objects.select_for_update().filter(pk=document_id).first()
        if document is None:
            raise Document.DoesNotExist(f"Document {document_id} does not exist.")
        done = CountConfirmation.objects.filter(request_id=request_id).first()
        if done is not None:
            if (done.document_id, done.location_id) != (document.pk, location_id):
                raise ValidationError({"request_id": ["This request id confirmed another shelf."]})
            return done
        earlier = _earlier(document.pk, location_id)
        if earlier is not None:
            raise _already(earlier)
        if document.doc_type != DocType.COUNT:
            raise ValidationError({"document": [f"{document.number} is not a count."]})
        require_state(document, EDIT, f"{document.number} is {document.status}: nothing to count.")
        if location_id not in count_shelf_ids(document_id=document.pk):
            raise ValidationError({"location": [f"{document.number} does not count this shelf."]})
        total = _fill_shelf(document, location_id, counted, empty)
        try:
            with transaction.atomic():
                return CountConfirmation.objects.create(
                    document=document,
                    location_id=location_id,
                    counted=total,
                    empty=empty,
                    request_id=request_id,
                    confirmed_by=user if getattr(user, "pk", None) else None,
                )
        except IntegrityError:
            earlier = _earlier(document.pk, location_id)
            if earlier is None:
                raise
            raise _already(earlier) from None


def _fill_shelf(document: Document, location_id: int, counted, empty: bool) -> int:
    """Replace the count's lines of the shelf by what was counted on it; the total counted."""
    found: dict[tuple[int, str], int] = {}
    for item in counted:
        key = (item.product_id, item.lot or "")
        found[key] = found.get(key, 0) + item.quantity
    total = sum(found.values())
    if total > MAX_QUANTITY:
        raise ValidationError({"lines": [f"More than {MAX_QUANTITY} counted on one shelf."]})
    if empty and total:
        raise ValidationError({"empty": ["Something was counted: the shelf is not empty."]})
    if not empty and not total:
        raise ValidationError({"empty": ["Nothing was counted: confirm the shelf as empty."]})
    shelf = document.lines.filter(location_id=location_id)
    lines = [
        LineInput(product, found.pop((product, lot or ""), 0), location_id=location_id, lot=lot)
        for product, lot in shelf.values_list("product_id", "lot__code").order_by("pk")
    ]
    lines += [
        LineInput(product, quantity, location_id=location_id, lot=lot or None)
        for (product, lot), quantity in found.items()
    ]
    resolved = document_validate(
        doc_type=DocType.COUNT,
        warehouse_id=document.warehouse_id,
        destination_warehouse_id=None,
        lines=lines,
    )
    shelf.delete()
    _write_lines(document, resolved)
    document.save(update_fields=["updated_at"])
    return total


def _earlier(document_id: int, location_id: int) -> CountConfirmation | None:
    return (
        CountConfirmation.objects.select_related("confirmed_by")
        .filter(document_id=document_id, location_id=location_id)
        .first()
    )


def _already(earlier: CountConfirmation) -> ShelfAlreadyCounted:
    who = _who(earlier.confirmed_by)
    said = "empty" if earlier.empty else f"{earlier.counted} counted"
    return ShelfAlreadyCounted(
        f"This shelf was already counted by {who} ({said}).",
        counted=earlier.counted,
        confirmed_by=who,
    )


@dataclass(frozen=True)
class CountFinished:
    document: Document
    posted: bool  # False: left for a supervisor to post (or posted already by someone else)


def count_finish(*, document_id: int, user=None) -> CountFinished:
    """Once every shelf of a count is confirmed: post it when settings.COUNT_FLOW_POSTS is on
    and the user may post counts; else leave it, a draft, for a supervisor to check and post.
    A count posted meanwhile (by the other counter) is answered as it is."""
    shelves = count_shelf_ids(document_id=document_id)
    confirmed = set(
        CountConfirmation.objects.filter(document_id=document_id).values_list(
            "location_id", flat=True
        )
    )
    missing = [s for s in shelves if s not in confirmed]
    if missing:
        raise DocumentStateError(
            f"{len(missing)} shelf(s) of this count are not confirmed yet.", status="counting"
        )
    document = Document.objects.get(pk=document_id)
    if (
        settings.COUNT_FLOW_POSTS
        and document.status == Status.DRAFT
        and user is not None
        and user_can_post(user, DocType.COUNT)
    ):
        try:
            return CountFinished(document_post(document_id=document_id, user=user), True)
        except DocumentStateError:
            document.refresh_from_db()  # posted meanwhile by the count's other counter
    return CountFinished(document, False)
