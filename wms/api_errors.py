"""Every API error as one JSON shape: ``{"detail": "...", "code": "...", ...}``.

``detail`` is for people, ``code`` is stable for programs. Validation errors add ``errors``
(field -> messages); domain errors add their ``details()`` (an insufficient stock adds
``shortages``). Errors of the database itself (unreachable, pool exhausted) are not handled here:
they propagate to the middleware that answers them with a 503.

The serializers below only describe these bodies for the OpenAPI schema.
"""

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError
from django.db.models import ProtectedError, RestrictedError
from django.http import Http404
from drf_spectacular.utils import OpenApiResponse
from rest_framework import exceptions, serializers
from rest_framework.response import Response
from rest_framework.views import set_rollback

from wms.exceptions import DomainError
from wms.signals import security_event


def exception_handler(exc, context):
    response = _response_for(exc)
    if response is not None:
        # A handled error undoes whatever the request wrote so far in its transaction.
        set_rollback()
        if response.status_code in (401, 403):
            request = context.get("request")
            security_event.send(
                sender=exception_handler,
                action="denied",
                request=getattr(request, "_request", request),
                details={"status": response.status_code, "code": response.data.get("code", "")},
            )
    return response


def _response_for(exc):
    if isinstance(exc, RequestDataTooBig):
        return _error(413, body_too_large_message(), "body_too_large")
    if isinstance(exc, DomainError):
        body = {"detail": exc.message, "code": exc.code, **exc.details()}
        headers = {"Retry-After": str(exc.retry_after)} if exc.retry_after else None
        return Response(body, status=exc.status_code, headers=headers)
    if isinstance(exc, DjangoValidationError):
        errors = (
            exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        )
        return _invalid(errors)
    if isinstance(exc, exceptions.ValidationError):
        detail = exc.detail if isinstance(exc.detail, dict) else {"non_field_errors": exc.detail}
        if set(_leaves(exc.get_codes())) == {"unique"}:
            # Well-formed, but another record already has the value: a conflict with the data.
            return _invalid(detail, status=409, code="already_exists")
        return _invalid(detail)
    if isinstance(exc, PermissionDenied):
        message = str(exc) or "You do not have permission to perform this action."
        return _error(403, message, "permission_denied")
    if isinstance(exc, Http404 | ObjectDoesNotExist):
        return _error(404, "Not found.", "not_found")
    if isinstance(exc, ProtectedError | RestrictedError):
        # Normally caught before the delete (wms.db.delete_unreferenced); this is the race
        # where a reference appeared in between.
        return _error(409, "Other records refer to this one; deactivate it instead.", "in_use")
    if isinstance(exc, IntegrityError):
        # A uniqueness or foreign-key race between two requests that both passed validation.
        return _error(409, "The change conflicts with the current data; retry.", "conflict")
    if isinstance(exc, exceptions.APIException):
        headers = {}
        if getattr(exc, "auth_header", None):
            headers["WWW-Authenticate"] = exc.auth_header
        if getattr(exc, "wait", None):
            headers["Retry-After"] = str(int(exc.wait))
        return _error(exc.status_code, str(exc.detail), exc.get_codes(), headers)
    return None


def body_too_large_message() -> str:
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    return (
        f"Request body too large: at most {limit} bytes ({limit / 2**20:g} MiB). "
        "Split the work into several requests."
    )


def _error(status: int, detail: str, code: str, headers=None) -> Response:
    return Response({"detail": detail, "code": code}, status=status, headers=headers)


def _leaves(codes):
    if isinstance(codes, dict):
        return [c for value in codes.values() for c in _leaves(value)]
    if isinstance(codes, list):
        return [c for value in codes for c in _leaves(value)]
    return [codes]


def _invalid(errors: dict, status: int = 400, code: str = "invalid") -> Response:
    flat = {field: _flatten(messages) for field, messages in errors.items()}
    field, messages = next(iter(flat.items()))
    summary = messages[0] if field == "non_field_errors" else f"{field}: {messages[0]}"
    more = sum(len(m) for m in flat.values()) - 1
    detail = f"Invalid input. {summary}" + (f" (and {more} more)" if more else "")
    return Response({"detail": detail, "code": code, "errors": flat}, status=status)


def _flatten(messages, prefix: str = "") -> list[str]:
    """Nested serializer errors as readable strings, so every field maps to a list of text."""
    if isinstance(messages, dict):
        return [
            text
            for key, value in messages.items()
            for text in _flatten(value, prefix if key == "non_field_errors" else f"{key}: ")
        ]
    if isinstance(messages, list):
        return [text for item in messages for text in _flatten(item, prefix)]
    return [f"{prefix}{messages}"]


# --- The bodies, for the schema -----------------------------------------------------------


class ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField(help_text="What went wrong, for people.")
    code = serializers.CharField(help_text="What went wrong, stable for programs.")


class ValidationErrorSerializer(ErrorSerializer):
    errors = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        required=False,
        help_text=(
            "Messages per field; `non_field_errors` for the request as a whole. "
            "Absent when the body could not be read at all (code `parse_error`)."
        ),
    )


class ShortageSerializer(serializers.Serializer):
    product = serializers.IntegerField()
    warehouse = serializers.IntegerField()
    requested = serializers.IntegerField()
    available = serializers.IntegerField()


class ConflictSerializer(ErrorSerializer):
    """Any 409: the fields beyond detail and code depend on the code."""

    status = serializers.CharField(
        required=False, help_text="`invalid_state`: the document's current status."
    )
    shortages = ShortageSerializer(
        many=True, required=False, help_text="`insufficient_stock`: every line that is short."
    )


def _response(serializer, description):
    return OpenApiResponse(response=serializer, description=description)


ERRORS = {
    400: _response(ValidationErrorSerializer, "Invalid input: `errors` lists it per field."),
    401: _response(ErrorSerializer, "No token, or an invalid one."),
    403: _response(ErrorSerializer, "The user lacks a permission this needs."),
    404: _response(ErrorSerializer, "No such record, or an invalid id."),
    409: _response(ConflictSerializer, "The current state forbids it."),
    413: _response(ErrorSerializer, "The body is larger than the server reads (`body_too_large`)."),
    422: _response(
        ErrorSerializer,
        "This Idempotency-Key was used for a different request (code `key_reused`).",
    ),
    429: _response(ErrorSerializer, "Too many requests; retry after `Retry-After` seconds."),
    503: _response(ErrorSerializer, "The database is unavailable; retry after `Retry-After`."),
}
# Every operation can meet these: authentication, permissions, rate limit, database outage.
ALWAYS = (401, 403, 429, 503)


def responses(ok: dict, *errors: int) -> dict:
    """An operation's responses: its successes, the errors it adds, and those every one has."""
    return {**ok, **{status: ERRORS[status] for status in sorted({*errors, *ALWAYS})}}
