"""Pages for cadres: "my unit's tasks", a task with its timeline, progress reports, approval."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from danvan.core.downloads import file_response
from danvan.core.errors import ServiceError
from danvan.core.saved_view_pages import saved_views_context
from danvan.core.text import folded_words_q
from tasks import selectors, services
from tasks.forms import ProgressReportForm, ReturnForm
from tasks.models import PROGRESS_FIGURES, AssignmentRole, Task, TaskStatus
from tasks.workflow import EVENT_NAMES, TASK_WORKFLOW

# A phone shows a page of 25 and a "more" link; no COUNT(*) over the scope.
PAGE_SIZE = 25
CHILDREN_SHOWN = 20


def _page_link(request: HttpRequest, before: int) -> str:
    query = {k: v for k, v in request.GET.items() if k != "before" and v}
    return "?" + urlencode({**query, "before": before})


# At most this many tasks approved by one click (a page is 25; the rest wait for the next).
BULK_LIMIT = 100


def _list_filters(request: HttpRequest) -> dict[str, str]:
    """The list's filters as given (the saved views keep the same keys)."""
    status = request.GET.get("status", "")
    return {
        "status": status if status in TaskStatus.values else "",
        "q": request.GET.get("q", "").strip(),
        "awaiting_my_approval": "1" if request.GET.get("awaiting_my_approval") == "1" else "",
        "awaiting_my_report": "1" if request.GET.get("awaiting_my_report") == "1" else "",
    }


@login_required
def task_list(request: HttpRequest) -> HttpResponse:
    """Tasks of the user's units (issued, led or coordinated), newest first, with status."""
    return _render_list(request)


def _render_list(request: HttpRequest, *, status_code: int = 200) -> HttpResponse:
    user = request.user
    queryset = selectors.task_list_for(user, today=timezone.localdate()).select_related(
        "directive", "conclusion__meeting"
    )
    filters = _list_filters(request)
    status = filters["status"]
    if status:
        # `status` is the annotation from TaskQuerySet.with_status, not a column.
        queryset = queryset.filter(**{"status": status})
    term = filters["q"]
    if term:
        queryset = queryset.filter(folded_words_q("search_text", term))
    if filters["awaiting_my_approval"]:
        queryset = selectors.awaiting_approval_by(queryset, user)
    if filters["awaiting_my_report"]:
        queryset = selectors.awaiting_report_by(queryset, user)
    try:
        before = int(request.GET.get("before", ""))
    except ValueError:
        before = 0
    if before > 0:
        queryset = queryset.filter(pk__lt=before)
    # Keyset pagination on the id (the (lead_unit, -id) index): stable while tasks are added.
    rows = list(queryset.order_by("-id")[: PAGE_SIZE + 1])
    more = _page_link(request, rows[PAGE_SIZE - 1].pk) if len(rows) > PAGE_SIZE else ""
    rows = rows[:PAGE_SIZE]
    for task in rows:
        task.coordinating = [  # type: ignore[attr-defined]
            a.unit.name for a in task.assignments.all() if a.role == AssignmentRole.COORDINATE
        ]
        # The one rule; the memberships are read once per request, so no query per row.
        task.approvable = task.awaiting_approval and selectors.can_manage(  # type: ignore[attr-defined]
            user, task.issuing_unit
        )
    given = {k: v for k, v in filters.items() if v}
    return render(
        request,
        "tasks/list.html",
        {
            "tasks": rows,
            "statuses": TaskStatus.choices,
            "status": status,
            "q": term,
            "awaiting_my_approval": bool(filters["awaiting_my_approval"]),
            "awaiting_my_report": bool(filters["awaiting_my_report"]),
            "any_approvable": any(t.approvable for t in rows),  # type: ignore[attr-defined]
            "list_query": urlencode(given),
            "more": more,
            "first_page": "?" + urlencode(given) if before else "",
            "export_query": urlencode(
                {
                    "all_dates": 1,
                    **{k: v for k, v in {"status": status, "q": term}.items() if v},
                    # the export's filter (tasks.filters) reads a boolean
                    **(
                        {"awaiting_my_approval": "true"}
                        if given.get("awaiting_my_approval")
                        else {}
                    ),
                    **({"awaiting_my_report": "true"} if given.get("awaiting_my_report") else {}),
                }
            ),
            **saved_views_context(request, "tasks"),
        },
        status=status_code,
    )


def _short(task: Task) -> str:
    title = task.title if len(task.title) <= 60 else task.title[:59] + "…"
    return f"{task.number}. {title}" if task.number else title


@login_required
@require_POST
def task_bulk_approve(request: HttpRequest) -> HttpResponse:
    """
    Approve the chosen completion reports, one service call each (its own transaction and
    row lock, the same rule as one approval): what passes is approved, what fails is named.
    """
    raw = request.POST.getlist("task")
    try:
        ids = list(dict.fromkeys(int(value) for value in raw))
    except ValueError:
        ids = []
    if not ids or len(ids) > BULK_LIMIT:
        messages.error(
            request,
            _("Tasks: choose from 1 to %(count)d reports awaiting your approval.")
            % {"count": BULK_LIMIT},
        )
        return _render_list(request, status_code=400)
    approved: list[str] = []
    refused: list[str] = []
    for task_id in ids:
        try:
            task = selectors.task_get_for(request.user, task_id)
        except Http404:
            refused.append(_("task %(id)d: not found") % {"id": task_id})
            continue
        try:
            services.task_approve(actor=request.user, task=task)
        except ServiceError as error:
            refused.append(f"{_short(task)}: {error.message}")
            continue
        approved.append(_short(task))
    if refused:
        messages.warning(
            request,
            _("Approved %(approved)d, %(refused)d could not be approved: %(reasons)s")
            % {"approved": len(approved), "refused": len(refused), "reasons": "; ".join(refused)},
        )
    else:
        messages.success(request, _("Approved %(approved)d.") % {"approved": len(approved)})
    query = urlencode({k: v for k, v in _list_filters(request).items() if v})
    return redirect(reverse("tasks:list") + (f"?{query}" if query else ""))


def _detail_context(request: HttpRequest, task_id: Any) -> dict[str, Any]:
    """Everything the task page shows; 404 for a task outside the user's units."""
    user = request.user
    today = timezone.localdate()
    selectors.task_get_for(user, task_id)
    task: Task = (
        selectors.task_list_for(user, today=today)
        .select_related("directive", "conclusion__meeting", "parent")
        .get(pk=task_id)
    )
    children = selectors.tasks_visible_to(user).filter(parent=task).with_status(today=today)
    # One aggregate over the sub-tasks, however many (a cascade makes thousands).
    child_counts = children.aggregate(
        **{value: Count("id", filter=Q(status=value)) for value in TaskStatus.values}
    )
    reports = list(selectors.progress_reports_of(task))
    for report in reports:
        report.figure_rows = [  # type: ignore[attr-defined]
            (PROGRESS_FIGURES.get(key, key), value) for key, value in report.figures.items()
        ]
    events = list(selectors.task_timeline(task))
    for event in events:
        event.label = EVENT_NAMES.get(event.action, event.action)  # type: ignore[attr-defined]
    available = TASK_WORKFLOW.available_to(user, task, only=("progress", "approve"))
    return {
        "task": task,
        "today": today,
        "assignments": sorted(task.assignments.all(), key=lambda a: a.role != AssignmentRole.LEAD),
        "children": list(children.select_related("lead_unit").order_by("id")[:CHILDREN_SHOWN]),
        "child_total": sum(child_counts.values()),
        "child_counts": [
            (value, label, child_counts[value])
            for value, label in TaskStatus.choices
            if child_counts.get(value)
        ],
        "reports": reports,
        "events": events,
        "may_report": "progress" in available,
        "may_decide": "approve" in available,
    }


def _render_detail(
    request: HttpRequest,
    task_id: Any,
    *,
    report_form: ProgressReportForm | None = None,
    return_form: ReturnForm | None = None,
    status: int = 200,
) -> HttpResponse:
    context = _detail_context(request, task_id)
    context["report_form"] = report_form or ProgressReportForm()
    context["return_form"] = return_form or ReturnForm()
    return render(request, "tasks/detail.html", context, status=status)


@login_required
def task_detail(request: HttpRequest, task_id: int) -> HttpResponse:
    return _render_detail(request, task_id)


def _refused(request: HttpRequest, error: ServiceError) -> int:
    """A rule the service enforces, said in words on the page; the status says why."""
    messages.error(request, error.message)
    return error.status_code


@login_required
@require_POST
def task_report(request: HttpRequest, task_id: int) -> HttpResponse:
    """A unit of the task reports progress (text, percent, figures, evidence files)."""
    task = selectors.task_get_for(request.user, task_id)
    form = ProgressReportForm(request.POST, request.FILES, user=request.user)
    if not form.is_valid():
        form.keep_files()  # the photos stay chosen: the page says so beside the field
        return _render_detail(request, task.pk, report_form=form, status=400)
    values = form.cleaned_data
    try:
        services.progress_report_submit(
            actor=request.user,
            task=task,
            text=values["text"],
            percent=values["percent"],
            figures=form.figures(),
            files=form.files_for("evidence"),
            client_id=str(values["client_id"]),
        )
    except ServiceError as error:
        if error.field in form.fields:
            form.add_error(error.field, error.message)
            code = error.status_code
        else:
            code = _refused(request, error)
        form.keep_files()
        return _render_detail(request, task.pk, report_form=form, status=code)
    form.discard_kept()
    messages.success(request, _("Progress reported: %(percent)s%%.") % values)
    # To the reports, where the new one is first (the form's #report would otherwise stay).
    return redirect(reverse("tasks:detail", args=[task.pk]) + "#reports")


@login_required
@require_POST
def task_approve(request: HttpRequest, task_id: int) -> HttpResponse:
    """The issuer accepts the lead unit's completion report."""
    task = selectors.task_get_for(request.user, task_id)
    try:
        services.task_approve(actor=request.user, task=task)
    except ServiceError as error:
        return _render_detail(request, task.pk, status=_refused(request, error))
    messages.success(request, _("Completion approved."))
    return redirect("tasks:detail", task_id=task.pk)


@login_required
@require_POST
def task_return(request: HttpRequest, task_id: int) -> HttpResponse:
    """The issuer sends the completion back to the unit, with a reason."""
    task = selectors.task_get_for(request.user, task_id)
    form = ReturnForm(request.POST)
    if not form.is_valid():
        return _render_detail(request, task.pk, return_form=form, status=400)
    try:
        services.task_return(actor=request.user, task=task, reason=form.cleaned_data["reason"])
    except ServiceError as error:
        if error.field in form.fields:
            form.add_error(error.field, error.message)
            return _render_detail(request, task.pk, return_form=form, status=400)
        return _render_detail(request, task.pk, status=_refused(request, error))
    messages.success(request, _("Returned to the unit with your reason."))
    return redirect("tasks:detail", task_id=task.pk)


@login_required
def evidence_download(request: HttpRequest, task_id: int, evidence_id: int) -> HttpResponseBase:
    """A progress report's evidence file, for people who see the task; never a /media/ link."""
    evidence = selectors.evidence_get_for(request.user, task_id, evidence_id)
    return file_response(evidence.file, name=evidence.name or _("evidence"))


@login_required
def directive_file_download(
    request: HttpRequest, directive_id: int, file_id: int
) -> HttpResponseBase:
    """A directive's file, for people who may read the directive."""
    found = selectors.directive_file_get_for(request.user, directive_id, file_id)
    return file_response(found.file, name=found.name or _("directive"))
