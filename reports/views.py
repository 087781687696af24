"""The supervisor dashboard (/reports/) and the report documents' web actions."""

from __future__ import annotations

from datetime import date
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext
from django.views.decorators.http import require_POST

from danvan.core.docx import place_name
from danvan.core.downloads import named_download
from danvan.core.errors import ServiceError
from danvan.core.widgets import DateInput
from danvan.org.models import Unit
from danvan.org.selectors import scope_paths
from movement.selectors import movement_summary
from reports import charts, figures, selectors, services
from reports.models import DocumentStatus
from reports.periods import Period, PeriodKind, period_from_params

PERIOD_KEYS = ("period", "year", "month", "quarter", "half", "from", "to")
# The form's labels, so a message names the field as the page does ("Năm", not "year").
FIELD_LABELS = {
    "period": gettext_lazy("Period"),
    "year": gettext_lazy("Year"),
    "half": gettext_lazy("Six months"),
    "quarter": gettext_lazy("Quarter (1–4)"),
    "month": gettext_lazy("Month (1–12)"),
    "from": gettext_lazy("From"),
    "to": gettext_lazy("To"),
    "unit": gettext_lazy("Unit"),
    "kind": gettext_lazy("Report"),
    "number": gettext_lazy("Number"),
    "place": gettext_lazy("Place"),
}


def _field_message(error: ServiceError) -> str:
    label = FIELD_LABELS.get(error.field or "")
    return f"{label}: {error.message}" if label else str(error.message)


def _breadcrumb(user: Any, unit: Unit) -> list[Unit]:
    """The unit's ancestors the user may open, then the unit (one query)."""
    parts = [p for p in unit.path.split("/") if p]
    paths = ["/" + "/".join(parts[: i + 1]) + "/" for i in range(len(parts))]
    scopes = scope_paths(user)
    allowed = [p for p in paths if scopes is None or any(p.startswith(scope) for scope in scopes)]
    return list(Unit.objects.filter(path__in=allowed).order_by("depth"))


def _with_dates(rows: list[dict[str, Any]], key: str) -> list[dict[str, Any]]:
    """ISO dates from the figures, shown dd/mm/yyyy."""
    for row in rows:
        value = row.get(key)
        row["due_display"] = date.fromisoformat(value).strftime("%d/%m/%Y") if value else ""
    return rows


def _period_values(period: Period, today: date) -> dict[str, int]:
    """The half, quarter and month the form shows: the period's own, else today's."""
    month = period.start.month if period.kind != PeriodKind.CUSTOM else today.month
    own = {
        PeriodKind.HALF: {"half": 1 if month <= 6 else 2},
        PeriodKind.QUARTER: {"quarter": (month - 1) // 3 + 1},
        PeriodKind.MONTH: {"month": month},
    }.get(period.kind, {})
    defaults = {
        "half": 1 if today.month <= 6 else 2,
        "quarter": (today.month - 1) // 3 + 1,
        "month": today.month,
    }
    return {**defaults, **own}


def _period_dates(params: Any, period: Any) -> dict[str, str]:
    """The from/to fields, dd/mm/yyyy with a calendar on every browser (not type="date")."""
    if period.kind == PeriodKind.CUSTOM:
        values = {"from": period.start, "to": period.end}
    else:  # what was typed, shown again beside its message
        values = {"from": params.get("from", ""), "to": params.get("to", "")}
    return {
        name: DateInput().render(name, value, attrs={"id": f"period-{name}"})
        for name, value in values.items()
    }


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    params = request.GET
    today = timezone.localdate()
    try:
        period = period_from_params(params, today=today)
        unit = selectors.report_unit(request.user, params)
    except ServiceError as error:
        messages.error(request, _field_message(error))
        period = period_from_params({}, today=today)
        unit = selectors.report_unit(request.user, {})
    period_query = {k: params[k] for k in PERIOD_KEYS if params.get(k)}
    report = figures.petition_report(request.user, unit=unit, period=period, today=today)
    tasks = figures.task_report(request.user, unit=unit, period=period, today=today)
    trend = figures.petition_trend(request.user, unit=unit, months=12, today=today)
    export_query = urlencode({"unit": unit.pk, **period_query})
    documents = list(selectors.documents_visible_to(request.user).filter(unit=unit)[:10])
    pending = any(d.status in (DocumentStatus.QUEUED, DocumentStatus.RUNNING) for d in documents)
    by_unit = [
        {
            **row,
            "drill": "?" + urlencode({**period_query, "unit": row["unit"]["id"]})
            if row["unit"]["id"] != unit.pk
            else "",
        }
        for row in report.by_unit
    ]
    tasks_by_unit = {row["unit"]["id"]: row for row in tasks["by_unit"]}
    unit_rows, empty_units = figures.rank_units(
        [{**row, "tasks": tasks_by_unit.get(row["unit"]["id"])} for row in by_unit],
        overdue=lambda row: row["overdue"] + (row["tasks"] or {}).get("overdue", 0),
        total=lambda row: row["received"] + (row["tasks"] or {}).get("assigned", 0),
    )
    context = {
        "unit": unit,
        "period": period,
        "today": today,
        "breadcrumb": _breadcrumb(request.user, unit),
        "report": report,
        "totals": report.totals,
        "tasks": tasks,
        "by_unit": unit_rows,
        "empty_units": empty_units,
        "trend_svg": charts.trend_chart(
            trend,
            received=pgettext("report column", "Received"),
            resolved=pgettext("report column", "Resolved"),
        ),
        "rate_svg": charts.rate_bars(
            [(r["unit"]["name"], r["on_time_rate"], r["received"]) for r in unit_rows]
        ),
        "overdue": _with_dates(
            figures.most_overdue_petitions(request.user, unit=unit, today=today), "due_date"
        ),
        "overdue_tasks": _with_dates(
            figures.most_overdue_tasks(request.user, unit=unit, today=today), "due_on"
        ),
        "export_query": export_query,
        "documents": documents,
        "pending": pending,
        "period_kinds": PeriodKind.ALL,
        "period_values": _period_values(period, today),
        "params": params,
        "period_dates": _period_dates(params, period),
        "years": list(range(today.year, today.year - 6, -1)),
        "place": place_name(unit),
        "movement": movement_summary(unit, period.start, period.end),
    }
    return render(request, "reports/dashboard.html", context)


@login_required
@require_POST
def document_request(request: HttpRequest) -> HttpResponse:
    data = request.POST
    try:
        try:
            year = int(data.get("year") or 0)
            half = int(data["half"]) if data.get("half") else None
        except ValueError:
            raise ServiceError(_("Enter a whole number."), field="year") from None
        document = services.report_document_request(
            actor=request.user,
            unit=selectors.report_unit(request.user, data),
            kind=data.get("kind", ""),
            year=year,
            half=half,
            number=data.get("number", ""),
            place=data.get("place", ""),
        )
    except ServiceError as error:
        messages.error(request, _field_message(error))
        return redirect(f"/reports/?unit={data.get('unit', '')}")
    messages.success(request, _("The report is being generated; this page shows its progress."))
    return redirect(f"/reports/?unit={document.unit_id}")


@login_required
def document_download(request: HttpRequest, document_id: int, file_format: str) -> Any:
    document = selectors.document_get_for(request.user, document_id)
    stored = {"docx": document.docx, "xlsx": document.xlsx}.get(file_format)
    if stored is None or document.status != DocumentStatus.DONE or not stored:
        raise Http404
    response = FileResponse(stored.open("rb"), as_attachment=True)
    return named_download(response, services.document_title(document), file_format)
