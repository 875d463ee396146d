"""Shared by the stock resources: the as-of parameter and how it is read."""

from django import forms
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
)
from rest_framework.exceptions import ValidationError

from wms.filters import (
    DateTimeFilter,
)

AS_OF = OpenApiParameter(
    "as_of",
    OpenApiTypes.DATETIME,
    description="An ISO 8601 instant: the quantities then, from the ledger (reserved and "
    "available are null: promises are not history).",
)


def _as_of(request):
    """The validated ?as_of= instant, or None; a bad value is a 400."""
    text = request.query_params.get("as_of")
    if text is None:
        return None
    if text == "":  # given but empty is refused, as for every filter (wms.filters.FilterSet)
        raise ValidationError({"as_of": ["Must not be empty."]})
    field = DateTimeFilter().field
    try:
        return field.clean(text)
    except forms.ValidationError as exc:
        raise ValidationError({"as_of": exc.messages}) from None
