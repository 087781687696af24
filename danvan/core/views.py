"""Site-wide pages: home, and errors that speak the client's language and format."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from danvan.core.middleware import other_shape
from danvan.org import selectors


def home(request: HttpRequest) -> HttpResponse:
    """
    "My work" for a signed-in person: what waits for them, counted in a few aggregate queries,
    each count a link to the list filtered to exactly those records. Who sees which count
    follows the one rule (the actions their posts grant somewhere).
    """
    if not request.user.is_authenticated:
        return render(request, "home.html", {})
    from danvan.org.permissions import holds_anywhere
    from petitions import roles as petition_actions
    from petitions import selectors as petition_selectors
    from tasks import roles as task_actions
    from tasks import selectors as task_selectors

    user = request.user
    today = timezone.localdate()
    may_intake = holds_anywhere(user, petition_actions.INTAKE)
    handles = holds_anywhere(user, petition_actions.HANDLE)
    petitions = (
        petition_selectors.my_work_counts(user, today=today) if may_intake or handles else None
    )
    reports = task_selectors.reports_for_a_unit(user)
    approves = holds_anywhere(user, task_actions.MANAGE_TASK)
    tasks = task_selectors.my_work_counts(user) if reports or approves else None
    return render(
        request,
        "home.html",
        {
            "memberships": list(selectors.me_memberships(user)),
            "may_intake": may_intake,
            "petitions": petitions,
            "tasks": tasks,
            "reports": reports,
            "approves": approves,
            "notices": petition_selectors.notice_counts(user, today) if handles else None,
        },
    )


def _wants_json(request: HttpRequest) -> bool:
    return request.path.startswith("/api/") or "application/json" in request.headers.get(
        "Accept", ""
    )


def bad_request(request: HttpRequest, exception: Any = None) -> HttpResponse:
    """
    What Django itself refuses before any view runs: a body over the size limit, too many
    fields, a Host header not in ALLOWED_HOSTS. Standalone page (no base template, which
    would read the refused Host again).
    """
    if isinstance(exception, RequestDataTooBig | TooManyFieldsSent | TooManyFilesSent):
        code, message = "request_too_large", _("The request is too large.")
    else:
        code, message = "bad_request", _("Bad request.")
    return _error(request, 400, code, message, template="400.html")


def _error(
    request: HttpRequest, status: int, code: str, message: Any, *, template: str
) -> HttpResponse:
    """The API's one error shape for a client that asks for JSON; a page for a browser."""
    other = other_shape(request, status, str(message))
    if other is not None:  # an API with its own error shape (Open311)
        return other
    if _wants_json(request):
        return JsonResponse({"code": code, "message": message, "fields": {}}, status=status)
    return render(request, template, {"message": message}, status=status)


def permission_denied(request: HttpRequest, exception: Any = None) -> HttpResponse:
    message = _("You do not have permission to do this.")
    return _error(request, 403, "permission_denied", message, template="403.html")


def not_found(request: HttpRequest, exception: Any = None) -> HttpResponse:
    return _error(request, 404, "not_found", _("Not found."), template="404.html")


def server_error(request: HttpRequest) -> HttpResponse:
    message = _("Server error. The team has been notified.")
    return _error(request, 500, "server_error", message, template="500.html")
