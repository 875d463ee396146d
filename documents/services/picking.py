"""Pick lists for reserved documents."""

from collections.abc import Sequence

from django.core.exceptions import ValidationError
from django.db import transaction

from documents.exceptions import (
    DocumentStateError,
)
from documents.models import (
    Document,
    PickList,
    Status,
)


def pick_list_create(*, document_ids: Sequence[int], user=None) -> PickList:
    """A pick list for reserved documents. Raises ValidationError when one does not exist and
    DocumentStateError when one is not reserved (nothing is created)."""
    wanted = list(dict.fromkeys(document_ids))
    if not wanted:
        raise ValidationError({"documents": ["Name at least one reserved document."]})
    with transaction.atomic():
        found = dict(
            Document.objects.filter(pk__in=wanted).values_list("pk", "status").order_by("pk")
        )
        missing = [pk for pk in wanted if pk not in found]
        if missing:
            raise ValidationError(
                {"documents": [f"Document {pk} does not exist." for pk in missing]}
            )
        unreserved = [pk for pk in wanted if found[pk] != Status.RESERVED]
        if unreserved:
            numbers = dict(Document.objects.filter(pk__in=unreserved).values_list("pk", "number"))
            raise DocumentStateError(
                "Only reserved documents are picked: "
                + ", ".join(f"{numbers[pk]} is {found[pk]}" for pk in unreserved)
                + ".",
                status=found[unreserved[0]],
            )
        pick_list = PickList.objects.create(created_by=user if getattr(user, "pk", None) else None)
        pick_list.documents.set(wanted)
    return pick_list
