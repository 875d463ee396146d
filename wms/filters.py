"""Query-string filters whose bad values are a 400, never a database error."""

from datetime import UTC, timedelta

from django import forms
from django.core.validators import ProhibitNullCharactersValidator
from django_filters import rest_framework as filters
from django_filters.fields import IsoDateTimeField
from drf_spectacular.utils import extend_schema_field

from wms.validators import BIGINT_MAX


class _BoundedIntegerField(forms.IntegerField):
    """Whole numbers only: Django's IntegerField also takes "1.0" and "1e3"."""

    def to_python(self, value):
        text = str(value).strip()
        if value not in self.empty_values and not (text.isascii() and text.lstrip("-").isdigit()):
            raise forms.ValidationError("Enter a whole number.", code="invalid")
        return super().to_python(value)


@extend_schema_field({"type": "integer", "minimum": 1, "maximum": BIGINT_MAX})
class IdFilter(filters.Filter):
    """An id: a positive whole number (``?warehouse=-3`` is refused, not an empty list)."""

    field_class = _BoundedIntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", BIGINT_MAX)
        super().__init__(*args, **kwargs)


@extend_schema_field({"type": "integer", "minimum": -BIGINT_MAX, "maximum": BIGINT_MAX})
class QuantityFilter(filters.Filter):
    field_class = _BoundedIntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", -BIGINT_MAX)
        kwargs.setdefault("max_value", BIGINT_MAX)
        super().__init__(*args, **kwargs)


class _StrictBooleanField(forms.NullBooleanField):
    """true or false; anything else is refused instead of silently ignored."""

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if value in ("true", "True", "1"):
            return True
        if value in ("false", "False", "0"):
            return False
        raise forms.ValidationError("Must be true or false.", code="invalid")

    def validate(self, value):
        return None


class BooleanFilter(filters.BooleanFilter):
    field_class = _StrictBooleanField

    def __init__(self, *args, **kwargs):
        # The raw value: the usual widgets turn nonsense into "unset" before it is validated.
        kwargs.setdefault("widget", forms.TextInput)
        super().__init__(*args, **kwargs)


# The widest offsets in use on Earth (Kiribati +14:00, Baker Island -12:00); PostgreSQL refuses
# a timestamp whose offset is beyond 15:59, which used to surface as a 500.
MAX_UTC_OFFSET = timedelta(hours=14)


class _DateTimeField(IsoDateTimeField):
    def to_python(self, value):
        moment = super().to_python(value)
        if moment is None:
            return None
        if abs(moment.utcoffset()) > MAX_UTC_OFFSET:
            raise forms.ValidationError(
                "UTC offset out of range: at most -14:00 to +14:00.", code="invalid"
            )
        try:
            # Compared in UTC: an offset that pushes year 1 or 9999 off the calendar cannot be.
            return moment.astimezone(UTC)
        except OverflowError:
            raise forms.ValidationError("Date and time out of range.", code="invalid") from None


@extend_schema_field(
    {
        "type": "string",
        "format": "date-time",
        # The offsets in use on Earth, -14:00 to +14:00; none: the server's time zone (UTC).
        "pattern": (
            r"^[0-9]{4}-[0-9]{2}-[0-9]{2}([Tt ][0-9]{2}:[0-9]{2}(:[0-9]{2}([.,][0-9]+)?)?"
            r"([Zz]|[+-](0[0-9]|1[0-3]):?[0-5][0-9]|[+-]14:?00)?)?$"
        ),
    }
)
class DateTimeFilter(filters.IsoDateTimeFilter):
    """An ISO 8601 date and time; without an offset it is in the server's time zone (UTC)."""

    field_class = _DateTimeField


class _TextField(forms.CharField):
    """Any text, NUL included: no stored value holds one (PostgreSQL text cannot), so such a
    filter simply matches nothing instead of being an error."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.validators = [
            v for v in self.validators if not isinstance(v, ProhibitNullCharactersValidator)
        ]


class TextFilter(filters.CharFilter):
    """An exact text match."""

    field_class = _TextField

    def filter(self, qs, value):
        if value and "\x00" in value:
            return qs.none()
        return super().filter(qs, value)


class FilterSet(filters.FilterSet):
    """A present but empty parameter (``?created_after=``) is refused, not taken as absent:
    a client that sends it meant something, and the schema gives it no empty value. Text
    filters are the exception: an empty text is a text."""

    def is_valid(self):
        valid = super().is_valid()
        empty = [
            name
            for name, spec in self.filters.items()
            if not isinstance(spec, filters.CharFilter | TextFilter)
            and name in self.data
            and self.data.get(name) == ""
        ]
        for name in empty:
            self.form.add_error(name, forms.ValidationError("Must not be empty.", code="empty"))
        return valid and not empty
