"""
One error shape for the whole API.

Every error response is `{"code": ..., "message": ..., "fields": {...}}`: a stable machine
code, a sentence in the request's language (Vietnamese unless the client asks otherwise)
and, for invalid input, the messages per field.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.serializers import BaseSerializer
from rest_framework.views import exception_handler

from danvan.calendar.index import YearOutOfRange


class ServiceError(Exception):
    """A business rule refused the operation; raised by services, shown as a 4xx."""

    status_code: int = status.HTTP_400_BAD_REQUEST
    code: str = "invalid"

    def __init__(
        self,
        message: str,
        *,
        field: str | None = None,
        code: str | None = None,
        status_code: int | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        if code:
            self.code = code
        if status_code:
            self.status_code = status_code


# The causes of a 409, one code each, the same for every kind of record (docs/api.md, "Errors").
CONFLICT_CODES: dict[str, str] = {
    "invalid_transition": "The record's status does not allow this step.",
    "extension_not_allowed": "The deadline cannot be extended (again).",
    "client_id_taken": "The client id is already used by another record.",
    "already_exists": "The same record already exists; change that one instead.",
    "has_children": "The record has sub-records that must be removed or cancelled first.",
}


class Conflict(ServiceError):
    """The record's state refuses the operation (409), with one of CONFLICT_CODES."""

    status_code: int = status.HTTP_409_CONFLICT

    def __init__(self, message: str, *, code: str, field: str | None = None) -> None:
        if code not in CONFLICT_CODES:
            raise ValueError(f"undocumented conflict code {code!r}: add it to CONFLICT_CODES")
        super().__init__(message, field=field, code=code)


def _flatten(detail: Any) -> Any:
    if isinstance(detail, dict):
        return {key: _flatten(value) for key, value in detail.items()}
    if isinstance(detail, list):
        return [_flatten(item) for item in detail]
    if getattr(detail, "code", None) == "null" and str(detail) == "No data provided":
        # DRF hard-codes this one in English (a JSON body of `null`).
        return _("No data provided.")
    return str(detail)


def _first_message(fields: dict[str, Any], labels: dict[str, str]) -> str:
    for name, messages in fields.items():
        message = messages
        while isinstance(message, (list, dict)) and message:
            message = message[0] if isinstance(message, list) else next(iter(message.values()))
        if name == "non_field_errors":
            return str(message)
        return f"{capfirst(labels.get(name, name))}: {message}"
    return _("Invalid input.")


def _labels_of(serializer: Any) -> dict[str, str]:
    try:
        return {name: str(field.label or name) for name, field in serializer.fields.items()}
    except Exception:  # a serializer without usable fields still gets an error body
        return {}


_is_valid = BaseSerializer.is_valid


def _labelled_is_valid(self: BaseSerializer, *, raise_exception: bool = False) -> bool:
    """
    `is_valid` that hands its field labels to the error it raises: the error body says
    "Lý do: …" with the label of the serializer that refused the input (a workflow step's own
    input, say), not the field's code name.
    """
    try:
        return bool(_is_valid(self, raise_exception=raise_exception))
    except exceptions.ValidationError as exc:
        if not hasattr(exc, "field_labels"):
            own = getattr(self, "child", None) or self  # many=True: its rows' fields
            exc.field_labels = _labels_of(own)  # type: ignore[attr-defined]
        raise


def label_validation_errors() -> None:
    """Install `_labelled_is_valid` on every serializer (at startup, danvan.core.apps)."""
    if BaseSerializer.is_valid is not _labelled_is_valid:
        BaseSerializer.is_valid = _labelled_is_valid  # type: ignore[method-assign]


def _field_labels(context: dict[str, Any], exc: BaseException | None = None) -> dict[str, str]:
    """
    Labels of the fields of the serializer that refused the input, as it handed them over;
    else the view's.
    """
    labels = getattr(exc, "field_labels", None)
    if labels is not None:
        return dict(labels)
    view = context.get("view")
    get_serializer = getattr(view, "get_serializer", None)
    if get_serializer is None:
        return {}
    try:
        return _labels_of(get_serializer())
    except Exception:  # a view without a usable serializer still gets an error body
        return {}


def api_exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    original = exc
    if isinstance(exc, YearOutOfRange):
        # Last line of defence: the API's date inputs are bounded (danvan.core.fields), but a
        # deadline computed from them that leaves the calendar is the client's date, not a 500.
        exc = ServiceError(str(exc), code="date_out_of_range")
    if isinstance(exc, ServiceError):
        fields = {exc.field: [exc.message]} if exc.field else {}
        return Response(
            {"code": exc.code, "message": exc.message, "fields": fields}, status=exc.status_code
        )
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(
            detail=exc.message_dict
            if hasattr(exc, "error_dict")
            else {"non_field_errors": exc.messages}
        )
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()

    response = exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        detail = exc.detail if isinstance(exc.detail, dict) else {"non_field_errors": exc.detail}
        fields = _flatten(detail)
        response.data = {
            "code": "invalid",
            "message": _first_message(fields, _field_labels(context, original)),
            "fields": fields,
        }
    elif isinstance(exc, exceptions.Throttled):
        wait = max(int(getattr(exc, "wait", None) or 1), 1)
        response.data = {
            "code": "throttled",
            "message": ngettext(
                "Too many requests. Try again in %(seconds)d second.",
                "Too many requests. Try again in %(seconds)d seconds.",
                wait,
            )
            % {"seconds": wait},
            "fields": {},
        }
        response["Retry-After"] = str(wait)
    else:
        other_detail = getattr(exc, "detail", None)
        if isinstance(other_detail, dict):
            # simplejwt's InvalidToken: {"detail": ..., "code": ..., "messages": [...]}.
            nested = other_detail
            other_detail = nested.get("detail") or exc.default_detail  # type: ignore[attr-defined]
            code = nested.get("code") or getattr(exc, "default_code", "error")
        else:
            code = getattr(other_detail, "code", None) or getattr(exc, "default_code", "error")
        message = str(other_detail or exc)
        # A body that cannot be parsed names it (danvan.core.parsers.BodyParseError).
        field = getattr(exc, "field", None)
        response.data = {
            "code": str(code),
            "message": message,
            "fields": {field: [message]} if field else {},
        }
    return response


def axes_lockout_response(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    """django-axes lockout: the API error shape for the token endpoint, a page for the admin."""
    message = _(
        "Too many failed login attempts. This account is locked for a while; "
        "try again later or ask an administrator."
    )
    if request.path.startswith("/api/"):
        response: HttpResponse = JsonResponse(
            {"code": "locked_out", "message": message, "fields": {}}, status=429
        )
    else:
        response = render(request, "lockout.html", {"message": message}, status=429)
    # The lock lasts AXES_COOLOFF_TIME from the last failure: at most that long from now.
    response["Retry-After"] = str(int(settings.AXES_COOLOFF_TIME.total_seconds()))
    return response
