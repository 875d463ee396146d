"""Picking task by task on a phone: each task's confirmation is stored as it is made (one
idempotent request each), and the last one posts the pick list's documents with what was
picked, or leaves them for a supervisor (settings.PICK_FLOW_POSTS)."""

import uuid
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from documents.exceptions import DocumentStateError, TaskAlreadyConfirmed
from documents.models import Document, PickConfirmation, PickList, Status
from documents.selectors import pick_reservations, pick_tasks
from documents.services.permissions import user_can_post
from documents.services.posting import document_post


def task_key(location_id: int, product_id: int, lot_id: int | None) -> str:
    return f"{location_id}-{product_id}-{lot_id or 0}"


def _who(user) -> str:
    return (user.get_full_name() or user.get_username()) if user else "someone"


def pick_confirm(
    *,
    pick_list_id: int,
    task: str,
    quantity: int,
    request_id: uuid.UUID,
    reason: str = "",
    user=None,
) -> PickConfirmation:
    """Store what was picked for one task. The same ``request_id`` again returns the stored
    confirmation (a retried request); a task confirmed by another request raises
    TaskAlreadyConfirmed, so two pickers never both pick it. A short pick needs a reason."""
    reason = reason.strip()
    with transaction.atomic():
        # The pick list's row orders its pickers: one confirmation at a time per list.
        pick_list = PickList.objects.select_for_update().filter(pk=pick_list_id).first()
        if pick_list is None:
            raise PickList.DoesNotExist(f"Pick list {pick_list_id} does not exist.")
        done = PickConfirmation.objects.filter(request_id=request_id).first()
        if done is not None:
            return done
        earlier = (
            PickConfirmation.objects.select_related("confirmed_by")
            .filter(pick_list=pick_list, task=task)
            .first()
        )
        if earlier is not None:
            raise _already(earlier)
        wanted = {
            task_key(t["quant__location_id"], t["quant__product_id"], t["quant__lot_id"]): t
            for t in pick_tasks(pick_list_id=pick_list.pk)
        }
        if task not in wanted:
            raise ValidationError({"task": [f"{pick_list.number} has no task {task} to pick."]})
        found = wanted[task]
        _check_quantity(quantity, found["quantity"], reason)
        try:
            with transaction.atomic():
                return PickConfirmation.objects.create(
                    pick_list=pick_list,
                    task=task,
                    location_id=found["quant__location_id"],
                    product_id=found["quant__product_id"],
                    lot_id=found["quant__lot_id"],
                    quantity=quantity,
                    asked=found["quantity"],
                    reason=reason if quantity < found["quantity"] else "",
                    request_id=request_id,
                    confirmed_by=user if getattr(user, "pk", None) else None,
                )
        except IntegrityError:
            earlier = PickConfirmation.objects.filter(pick_list=pick_list, task=task).first()
            if earlier is None:
                raise
            raise _already(earlier) from None


def _already(earlier: PickConfirmation) -> TaskAlreadyConfirmed:
    who = _who(earlier.confirmed_by)
    return TaskAlreadyConfirmed(
        f"This task was already confirmed by {who}: {earlier.quantity} picked.",
        quantity=earlier.quantity,
        confirmed_by=who,
    )


def _check_quantity(quantity: int, asked: int, reason: str) -> None:
    if not 0 <= quantity <= asked:
        raise ValidationError({"quantity": [f"Pick between 0 and the {asked} asked."]})
    if quantity < asked and not reason:
        raise ValidationError({"reason": [f"{quantity} of {asked}: say why the pick is short."]})


@dataclass(frozen=True)
class Finished:
    posted: list[Document]  # with .backorder set when one was made
    left: list[Document]  # left reserved for a supervisor to post


def pick_list_finish(*, pick_list_id: int, user=None) -> Finished:
    """Once every task is confirmed: post each reserved document of the list with the
    quantities picked from each of its reservations (what was not picked becomes a backorder,
    as with any short pick), when settings.PICK_FLOW_POSTS is on and the user may post; else,
    and for a document of which nothing was picked, leave them reserved. A document posted
    already (by the other picker) is skipped."""
    picked = {
        c.task: c.quantity for c in PickConfirmation.objects.filter(pick_list_id=pick_list_id)
    }
    missing = [
        t
        for t in pick_tasks(pick_list_id=pick_list_id)
        if task_key(t["quant__location_id"], t["quant__product_id"], t["quant__lot_id"])
        not in picked
    ]
    if missing:
        raise DocumentStateError(
            f"{len(missing)} task(s) of this pick list are not confirmed yet.", status="picking"
        )
    per_document = _picked_per_reservation(pick_list_id, picked)
    posted, left = [], []
    documents = Document.objects.filter(pick_lists=pick_list_id, status=Status.RESERVED)
    for document in documents.order_by("pk"):
        picked = per_document.get(document.pk, {})
        if not any(picked.values()):
            # Nothing of it was found: posting would ship nothing (refused), so it stays
            # reserved for a supervisor to unreserve or pick again.
            left.append(document)
        elif settings.PICK_FLOW_POSTS and user_can_post(user, document.doc_type):
            try:
                posted.append(document_post(document_id=document.pk, user=user, picked=picked))
            except DocumentStateError:
                continue  # posted meanwhile by the list's other picker
        else:
            left.append(document)
    return Finished(posted=posted, left=left)


def _picked_per_reservation(pick_list_id: int, picked: dict[str, int]) -> dict[int, dict]:
    """{document id: {(line id, location id, lot id): quantity}}: each task's picked quantity
    shared out over the reservations it serves, oldest document first."""
    left = dict(picked)
    shares: dict[int, dict] = {}
    for document, line, location, product, lot, n in pick_reservations(pick_list_id=pick_list_id):
        key = task_key(location, product, lot)
        take = min(n, left.get(key, 0))
        left[key] = left.get(key, 0) - take
        share = shares.setdefault(document, {})
        share[(line, location, lot)] = share.get((line, location, lot), 0) + take
    return shares
