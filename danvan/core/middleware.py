"""
Input no view should have to guard against, refused before any view runs with a 400 that
names the parameter: NUL characters in the path or the query string (PostgreSQL cannot
store or compare them, so a search or an export would otherwise fail with a 500), and in the
admin: the date drill-down (`…__year=99999999999`), whose overflow Django does not catch,
NUL characters in posted values and selected rows that are not row ids.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

_DATE_PART = re.compile(r"__(year|month|day)$")
_DATE_PART_LIMITS = {"year": (1, 9999), "month": (1, 12), "day": (1, 31)}


def _bad_parameter(request: HttpRequest) -> tuple[str, str] | None:
    """(parameter, message) for the first hostile parameter of the request, or None."""
    if "\x00" in request.path:
        return "path", _("The address contains a NUL character.")
    for name, values in request.GET.lists():
        if "\x00" in name or any("\x00" in value for value in values):
            return name.replace("\x00", ""), _("This value contains a NUL character.")
        part = _DATE_PART.search(name)
        if part and request.path.startswith("/admin/"):
            low, high = _DATE_PART_LIMITS[part.group(1)]
            for value in values:
                if not (value.isascii() and value.isdigit() and low <= int(value) <= high):
                    return name, _("Enter a whole number between %(low)d and %(high)d.") % {
                        "low": low,
                        "high": high,
                    }
    if request.method == "POST" and request.path.startswith("/admin/"):
        # The admin reads some POST values itself (action forms, selected rows): a NUL or a
        # row id that is not a number would reach the database there. Every model in the
        # admin has an integer primary key.
        for name, values in request.POST.lists():
            if "\x00" in name or any("\x00" in value for value in values):
                return name.replace("\x00", ""), _("This value contains a NUL character.")
            if name == "_selected_action" and not all(_is_row_id(v) for v in values):
                return name, _("Select rows from the list.")
    return None


def _is_row_id(value: str) -> bool:
    return value.isascii() and value.isdigit() and 0 < int(value) < 2**63


class HostileInputMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        bad = _bad_parameter(request)
        if bad is None:
            return self.get_response(request)
        name, message = bad
        text = f"{name}: {message}"
        if request.path.startswith("/api/"):
            return JsonResponse(
                {"code": "invalid", "message": text, "fields": {name: [message]}}, status=400
            )
        return render(request, "400.html", {"message": text}, status=400)
