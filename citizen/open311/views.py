"""
Open311 GeoReport v2 under /open311/v2/: the services, filing a report (key-authenticated),
and the public status of reports filed this way. Every answer in .json or .xml, every error in
the specification's list shape, never a 500 for what a client sends.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from functools import wraps
from typing import Any, cast

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from citizen.open311 import services
from citizen.open311.formats import error, respond
from citizen.open311.schema import SCHEMA
from danvan.core.errors import ServiceError
from danvan.org.authentication import client_ip_address
from petitions.models import FINISHED_STATUSES

MAX_LIST = 1000


def methods(*allowed: str) -> Callable[[View], View]:
    """
    The methods an endpoint answers; any other is a 405 in the specification's error shape.
    No view reads a session or a cookie (a POST is authenticated by its api_key), so none
    needs Django's CSRF check, which would answer a cookie-less client in HTML.
    """

    def decorate(view: View) -> View:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if request.method not in allowed:
                response = error(
                    kwargs.get("fmt", "json"),
                    405,
                    _("Method %(method)s is not allowed here.") % {"method": request.method},
                )
                response["Allow"] = ", ".join(allowed)
                return response
            return view(request, *args, **kwargs)

        return cast(View, csrf_exempt(wrapped))

    return decorate


MAX_SPAN = timedelta(days=90)
View = Callable[..., HttpResponse]


def _read_allowed(request: HttpRequest, fmt: str) -> HttpResponse | None:
    wait = services.allow(
        "read", client_ip_address(request) or "unknown", settings.OPEN311_READ_RATE
    )
    if wait:
        return error(fmt, 429, _("Too many requests: try again later."), Retry_After=str(wait))
    return None


def _jurisdiction(request: HttpRequest, fmt: str) -> tuple[Any, HttpResponse | None]:
    """The commune named by jurisdiction_id, if given: (unit or None, error or None)."""
    value = request.GET.get("jurisdiction_id", "")
    if not value:
        return None, None
    unit = services.commune(value)
    if unit is None:
        return None, error(fmt, 404, _("jurisdiction_id: no commune has this code."))
    return unit, None


@methods("GET", "HEAD")
def openapi(request: HttpRequest) -> HttpResponse:
    """This API's OpenAPI description (the JSON forms)."""
    return JsonResponse(SCHEMA, json_dumps_params={"ensure_ascii": False})


@methods("GET", "HEAD")
def service_list(request: HttpRequest, fmt: str) -> HttpResponse:
    refused = _read_allowed(request, fmt)
    if refused:
        return refused
    _unit, problem = _jurisdiction(request, fmt)
    if problem:
        return problem
    return respond("services", [services.service_row(s) for s in services.services_open()], fmt)


@methods("GET", "HEAD")
def service_definition(request: HttpRequest, code: str, fmt: str) -> HttpResponse:
    refused = _read_allowed(request, fmt)
    if refused:
        return refused
    service = services.services_open().filter(service_code=code[:40]).first()
    if service is None:
        return error(fmt, 404, _("service_code: no such service."))
    return respond(
        "service_definition", {"service_code": service.service_code, "attributes": []}, fmt
    )


def _date(value: str, name: str) -> datetime:
    parsed = None
    try:
        parsed = parse_datetime(value.strip().replace(" ", "+"))
    except ValueError:
        parsed = None
    if parsed is None:
        raise ServiceError(
            _("%(name)s: a date and time in W3C format, e.g. 2026-03-02T00:00:00Z.")
            % {"name": name},
            field=name,
        )
    if timezone.is_naive(parsed):
        parsed = timezone.make_aware(parsed)
    return parsed


def _listing(request: HttpRequest, fmt: str) -> HttpResponse:
    refused = _read_allowed(request, fmt)
    if refused:
        return refused
    unit, problem = _jurisdiction(request, fmt)
    if problem:
        return problem
    rows = services.public_requests()
    if unit is not None:
        rows = rows.filter(petition__receiving_unit=unit)
    params = request.GET
    try:
        ids = [v.strip() for v in params.get("service_request_id", "").split(",") if v.strip()]
        if ids:
            rows = rows.filter(petition__code__in=ids[:100])
        else:
            codes = [v.strip() for v in params.get("service_code", "").split(",") if v.strip()]
            if codes:
                rows = rows.filter(service__service_code__in=codes[:50])
            end = _date(params["end_date"], "end_date") if params.get("end_date") else None
            start = _date(params["start_date"], "start_date") if params.get("start_date") else None
            if end is None:
                end = start + MAX_SPAN if start is not None else timezone.now()
            if start is None:
                start = end - MAX_SPAN
            if end < start or end - start > MAX_SPAN:
                raise ServiceError(
                    _("start_date to end_date: at most 90 days, the start first."),
                    field="start_date",
                )
            rows = rows.filter(created_at__gte=start, created_at__lte=end)
            statuses = {v.strip() for v in params.get("status", "").split(",") if v.strip()}
            if statuses - {"open", "closed"}:
                raise ServiceError(_("status: open or closed."), field="status")
            if statuses == {"open"}:
                rows = rows.exclude(petition__status__in=FINISHED_STATUSES)
            elif statuses == {"closed"}:
                rows = rows.filter(petition__status__in=FINISHED_STATUSES)
    except ServiceError as refused_input:
        return error(fmt, 400, refused_input.message)
    found = [services.request_row(r) for r in rows.order_by("-created_at", "-id")[:MAX_LIST]]
    return respond("requests", found, fmt)


def _receive(request: HttpRequest, fmt: str) -> HttpResponse:
    try:
        data = request.POST
        files = request.FILES
    except RequestDataTooBig:
        return error(fmt, 413, _("The request is too large."))
    for name, values in [*data.lists(), *request.GET.lists()]:
        if "\x00" in name or any("\x00" in value for value in values):
            field = name.replace("\x00", "")
            return error(
                fmt, 400, _("%(name)s: this value contains a NUL character.") % {"name": field}
            )
    key = data.get("api_key") or request.GET.get("api_key", "")
    app = services.app_for_key(key)
    if app is None:
        return error(fmt, 403, _("api_key: missing, unknown or disabled."))
    wait = services.allow("post", app.key_hash[:16], app.rate)
    if wait:
        return error(
            fmt, 429, _("Too many reports from this app: try again later."), Retry_After=str(wait)
        )
    report = services.Report(
        **{name: str(data.get(name, ""))[:5000] for name in services.Report.__dataclass_fields__}
    )
    if not report.jurisdiction_id:
        report.jurisdiction_id = request.GET.get("jurisdiction_id", "")
    try:
        filed, _created = services.receive(app=app, report=report, media=files.get("media"))
    except ServiceError as refused:
        return error(fmt, 400, refused.message)
    answer = [
        {
            "service_request_id": filed.petition.code,
            "token": filed.token,
            "service_notice": _(
                "Received by %(unit)s. Follow it with its code at /tra-cuu/ (the code and the "
                "last 4 digits of the phone you gave)."
            )
            % {"unit": filed.petition.receiving_unit.name},
            "account_id": filed.account_id or None,
        }
    ]
    return respond("tokens", answer, fmt, status=201 if _created else 200)


@methods("GET", "HEAD", "POST")
def requests(request: HttpRequest, fmt: str) -> HttpResponse:
    if request.method == "POST":
        return _receive(request, fmt)
    return _listing(request, fmt)


@methods("GET", "HEAD")
def request_detail(request: HttpRequest, request_id: str, fmt: str) -> HttpResponse:
    refused = _read_allowed(request, fmt)
    if refused:
        return refused
    unit, problem = _jurisdiction(request, fmt)
    if problem:
        return problem
    rows = services.public_requests().filter(petition__code=request_id[:30])
    if unit is not None:
        rows = rows.filter(petition__receiving_unit=unit)
    found = list(rows[:2])
    if not found:
        return error(fmt, 404, _("service_request_id: no public request has this id."))
    if len(found) > 1:
        return error(
            fmt, 400, _("jurisdiction_id: several communes have this id; name the commune.")
        )
    return respond("requests", [services.request_row(found[0])], fmt)


@methods("GET", "HEAD")
def token(request: HttpRequest, token: str, fmt: str) -> HttpResponse:
    refused = _read_allowed(request, fmt)
    if refused:
        return refused
    found = services.public_requests().filter(token=token[:40]).first()
    if found is None:
        return error(fmt, 404, _("token: unknown."))
    return respond(
        "tokens", [{"service_request_id": found.petition.code, "token": found.token}], fmt
    )
