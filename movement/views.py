"""
Pages of the movement (/movement/…): the register of "Dân vận khéo" models with its yearly
review, a model's page with its steps, figures reported from a phone with the roll-up of
the person's units, and dialogues with the issues raised.
"""

from __future__ import annotations

import datetime
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count, Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from danvan.core.errors import ServiceError
from danvan.org.permissions import holds_anywhere
from movement import forms as f
from movement import roles as actions
from movement import selectors, services
from movement.models import (
    DialogueIssue,
    ModelEvidence,
    ModelField,
    ModelStatus,
    MovementModel,
)
from movement.workflow import DIALOGUE_WORKFLOW, EVENT_NAMES, MODEL_WORKFLOW

PAGE_SIZE = 25


def _page(request: HttpRequest, queryset: Any) -> tuple[list[Any], str]:
    """A page of 25 by id, newest first, and the link to the next (keyset: no COUNT)."""
    try:
        before = int(request.GET.get("before", ""))
    except ValueError:
        before = 0
    if before > 0:
        queryset = queryset.filter(pk__lt=before)
    rows = list(queryset.order_by("-id")[: PAGE_SIZE + 1])
    more = ""
    if len(rows) > PAGE_SIZE:
        query = {k: v for k, v in request.GET.items() if k != "before" and v}
        more = "?" + urlencode({**query, "before": rows[PAGE_SIZE - 1].pk})
    return rows[:PAGE_SIZE], more


def _refused(request: HttpRequest, form: Any, error: ServiceError) -> int:
    """A service's refusal next to its field, else at the top of the page."""
    if form is not None and error.field in getattr(form, "fields", {}):
        form.add_error(error.field, error.message)
    else:
        messages.error(request, error.message)
    return error.status_code


# --- The register -------------------------------------------------------------------------------
@login_required
def model_list(request: HttpRequest) -> HttpResponse:
    queryset = selectors.models_visible_to(request.user).select_related("unit", "recognised_by")
    status = request.GET.get("status", "")
    if status in ModelStatus.values:
        queryset = queryset.filter(status=status)
    field = request.GET.get("field", "")
    if field in ModelField.values:
        queryset = queryset.filter(field=field)
    term = request.GET.get("q", "").strip()
    if term:
        queryset = selectors.models_search(queryset, term)
    year = timezone.localdate().year
    review = request.GET.get("review") == "1"
    if review:
        queryset = queryset & selectors.models_due_for_review(request.user, year)
    rows, more = _page(request, queryset)
    names = {i.code: f"{i.name} ({i.measure})" for i in selectors.indicators()}
    for model in rows:
        # The latest figures the model reported: what a reviewer weighs.
        model.figure_rows = [
            (names[code], value) for code, value in (model.figures or {}).items() if code in names
        ]
    return render(
        request,
        "movement/list.html",
        {
            "models": rows,
            "more": more,
            "statuses": ModelStatus.choices,
            "fields": ModelField.choices,
            "status": status,
            "field": field,
            "q": term,
            "review": review,
            "year": year,
            "may_register": holds_anywhere(request.user, actions.RECORD),
            "may_review": holds_anywhere(request.user, actions.REVIEW),
            "review_form": f.ReviewForm(initial={"year": year, "outcome": "keep"}),
        },
    )


@login_required
def model_new(request: HttpRequest) -> HttpResponse:
    if not holds_anywhere(request.user, actions.RECORD):
        raise PermissionDenied(_("Only the unit's cadres and leaders register its models."))
    form = f.ModelForm(request.POST or None, request.FILES or None, user=request.user)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            values = form.cleaned_data
            try:
                with transaction.atomic():
                    model = services.model_register(
                        actor=request.user,
                        unit=values["unit"],
                        name=values["name"],
                        field=values["field"],
                        year_started=values["year_started"],
                        description=values["description"],
                        participants=values["participants"],
                        results=values["results"],
                        figures=form.figures(),
                    )
                    if values.get("evidence"):
                        services.model_attach_evidence(
                            actor=request.user, model=model, files=[values["evidence"]]
                        )
            except ServiceError as error:
                if error.field == "files":
                    error.field = "evidence"
                status = _refused(request, form, error)
            else:
                messages.success(request, _("The model is registered."))
                return redirect("movement:detail", model.pk)
        else:
            status = 400
        if form.is_bound and form.data and request.FILES.get("evidence") and status != 200:
            form.add_error(
                None, _("Choose the photo or document again: files are not kept after an error.")
            )
    return render(request, "movement/new.html", {"form": form}, status=status)


def _model_context(request: HttpRequest, model: MovementModel, **forms: Any) -> dict[str, Any]:
    available = MODEL_WORKFLOW.available_to(request.user, model)
    step_forms = {}
    for name in available:
        if name in forms:
            step_forms[name] = forms[name]
            continue
        form_class = f.STEP_FORMS.get(name)
        if form_class is None:
            continue
        kwargs: dict[str, Any] = {}
        if form_class is f.RecogniseForm:
            kwargs = {"user": request.user, "model": model}
        initial = {"year": timezone.localdate().year} if name == "keep" else None
        step_forms[name] = form_class(initial=initial, **kwargs)
    events = list(selectors.model_timeline(model).select_related("actor"))
    for event in events:
        event.label = EVENT_NAMES.get(event.action, event.action)  # type: ignore[attr-defined]
    return {
        "model": model,
        "evidence": list(model.evidence.order_by("id")),
        "figures": _figure_rows(model.figures),
        "step_forms": step_forms,
        "step_titles": {
            "submit": _("Put up for review"),
            "recognise": _("Recognise"),
            "replicate": _("Record a replication"),
            "keep": _("Keep at the yearly review"),
            "drop": _("Drop"),
            "evidence": _("Attach evidence"),
        },
        "events": events,
    }


def _figure_rows(figures: dict[str, Any]) -> list[tuple[str, Any]]:
    indicators = {i.code: i for i in selectors.indicators()}
    return [
        (f"{indicators[code].name} ({indicators[code].measure})", value)
        for code, value in figures.items()
        if code in indicators
    ]


@login_required
def model_detail(request: HttpRequest, model_id: int) -> HttpResponse:
    model = selectors.model_get_for(request.user, model_id)
    return render(request, "movement/detail.html", _model_context(request, model))


@login_required
@require_POST
def model_step(request: HttpRequest, model_id: int, step: str) -> HttpResponse:
    model = selectors.model_get_for(request.user, model_id)
    form_class = f.STEP_FORMS.get(step)
    if form_class is None:
        raise Http404
    kwargs: dict[str, Any] = {}
    if form_class is f.RecogniseForm:
        kwargs = {"user": request.user, "model": model}
    form = form_class(request.POST, request.FILES, **kwargs)
    status = 400
    if form.is_valid():
        values = dict(form.cleaned_data)
        if step == "recognise":
            values["award"] = values.get("award") or ""
        if step == "evidence":
            values = {"files": [values["file"]], "caption": values.get("caption", "")}
        try:
            MODEL_WORKFLOW.step(step).service(actor=request.user, model=model, **values)
        except ServiceError as error:
            if error.field == "files":
                error.field = "file"
            status = _refused(request, form, error)
        else:
            messages.success(request, _("Saved."))
            return redirect(reverse("movement:detail", args=[model.pk]))
    model.refresh_from_db()
    return render(
        request,
        "movement/detail.html",
        _model_context(request, model, **{step: form}),
        status=status,
    )


@login_required
@require_POST
def models_review(request: HttpRequest) -> HttpResponse:
    """The yearly review of the models ticked on the register."""
    form = f.ReviewForm(request.POST)
    ids = [int(v) for v in request.POST.getlist("models") if v.isdigit()]
    back = reverse("movement:list") + "?review=1"
    if not form.is_valid() or not ids:
        messages.error(request, _("Tick at least one model and choose the outcome."))
        return redirect(back)
    values = form.cleaned_data
    if values["outcome"] == "drop" and not values["reason"]:
        messages.error(request, _("Choose why the models are dropped."))
        return redirect(back)
    found = list(selectors.models_visible_to(request.user).filter(pk__in=ids))
    try:
        done = services.models_review(
            actor=request.user,
            models=found,
            year=values["year"],
            outcome=values["outcome"],
            reason=values["reason"],
            note=values["note"],
        )
    except ServiceError as error:
        messages.error(request, error.message)
        return redirect(back)
    messages.success(request, _("%(count)d models reviewed.") % {"count": len(done)})
    return redirect(back)


@login_required
def evidence_download(request: HttpRequest, model_id: int, evidence_id: int) -> HttpResponseBase:
    """A model's evidence file, for people who may see the model; never a public /media/ link."""
    model = selectors.model_get_for(request.user, model_id)
    evidence = ModelEvidence.objects.filter(model=model, pk=evidence_id).first()
    if evidence is None:
        raise Http404
    try:
        handle = evidence.file.open("rb")
    except (FileNotFoundError, ValueError):
        raise Http404 from None
    response = FileResponse(handle, as_attachment=False, filename=evidence.original_name)
    response["Cache-Control"] = "no-store, private"
    return response


# --- Figures ------------------------------------------------------------------------------------
@login_required
def figures(request: HttpRequest) -> HttpResponse:
    """Report a unit's figures for a period (a phone form) and see the roll-up of the year."""
    may_report = holds_anywhere(request.user, actions.REPORT_FIGURES)
    form = f.FiguresForm(request.POST or None, user=request.user) if may_report else None
    status = 200
    if request.method == "POST":
        if form is None:
            raise PermissionDenied(_("Only the unit's cadres and leaders report its figures."))
        if form.is_valid():
            values = form.cleaned_data
            try:
                services.report_create(
                    actor=request.user,
                    unit=values["unit"],
                    period_start=values["period_start"],
                    period_end=values["period_end"],
                    period_label=values["period_label"],
                    note=values["note"],
                    values=form.figures(),
                )
            except ServiceError as error:
                if error.field == "values":
                    error.field = None
                status = _refused(request, form, error)
            else:
                messages.success(request, _("The figures are reported."))
                return redirect("movement:figures")
        else:
            status = 400
    try:
        year = int(request.GET.get("year", ""))
    except ValueError:
        year = timezone.localdate().year
    year = min(max(year, 1945), 2100)
    root = selectors.rollup_root_for(request.user)
    rollup = (
        selectors.rollup(root, datetime.date(year, 1, 1), datetime.date(year, 12, 31))
        if root is not None
        else []
    )
    reports = list(
        selectors.reports_visible_to(request.user)
        .select_related("unit")
        .prefetch_related("values__indicator")
        .order_by("-id")[:10]
    )
    return render(
        request,
        "movement/figures.html",
        {
            "form": form,
            "root": root,
            "year": year,
            "rollup": [row for row in rollup if row.total is not None],
            "reports": reports,
        },
        status=status,
    )


# --- Dialogues ----------------------------------------------------------------------------------
@login_required
def dialogue_list(request: HttpRequest) -> HttpResponse:
    may_record = holds_anywhere(request.user, actions.RECORD_DIALOGUE)
    form = f.DialogueForm(request.POST or None, user=request.user) if may_record else None
    status = 200
    if request.method == "POST":
        if form is None:
            raise PermissionDenied(_("Only the unit's cadres and leaders record its dialogues."))
        if form.is_valid():
            values = dict(form.cleaned_data)
            issues = [line for line in values.pop("issues").splitlines() if line.strip()]
            try:
                dialogue = services.dialogue_create(actor=request.user, issues=issues, **values)
            except ServiceError as error:
                status = _refused(request, form, error)
            else:
                messages.success(request, _("The dialogue is recorded."))
                return redirect("movement:dialogue", dialogue.pk)
        else:
            status = 400
    queryset = (
        selectors.dialogues_visible_to(request.user)
        .select_related("unit")
        .annotate(
            issue_count=Count("issues"),
            resolved_count=Count("issues", filter=Q(issues__resolved=True)),
        )
    )
    rows, more = _page(request, queryset)
    return render(
        request,
        "movement/dialogues.html",
        {"dialogues": rows, "more": more, "form": form},
        status=status,
    )


def _dialogue_context(request: HttpRequest, dialogue: Any, **forms: Any) -> dict[str, Any]:
    available = set(DIALOGUE_WORKFLOW.available_to(request.user, dialogue))
    issues = list(dialogue.issues.select_related("petition", "task").order_by("number"))
    for issue in issues:
        number = issue.number
        issue.answer_form = forms.get(f"answer-{number}") or f.AnswerForm(
            initial={"number": number, "answer": issue.answer, "resolved": issue.resolved},
            prefix=f"a{number}",
        )
        issue.petition_form = forms.get(f"petition-{number}") or f.ToPetitionForm(
            initial={"number": number}, prefix=f"p{number}"
        )
        issue.task_form = forms.get(f"task-{number}") or f.ToTaskForm(
            initial={"number": number}, prefix=f"t{number}", user=request.user
        )
    events = list(selectors.dialogue_timeline(dialogue).select_related("actor"))
    for event in events:
        event.label = EVENT_NAMES.get(event.action, event.action)  # type: ignore[attr-defined]
    return {
        "dialogue": dialogue,
        "issues": issues,
        "may_record": "issues" in available,
        "issue_form": forms.get("issue") or f.IssueForm(),
        "events": events,
    }


@login_required
def dialogue_detail(request: HttpRequest, dialogue_id: int) -> HttpResponse:
    dialogue = selectors.dialogue_get_for(request.user, dialogue_id)
    return render(request, "movement/dialogue.html", _dialogue_context(request, dialogue))


@login_required
@require_POST
def dialogue_step(request: HttpRequest, dialogue_id: int, step: str) -> HttpResponse:
    dialogue = selectors.dialogue_get_for(request.user, dialogue_id)
    number = request.POST.get("number_prefix", "")
    forms: dict[str, Any] = {}
    service: Any
    if step == "issues":
        form: Any = f.IssueForm(request.POST)
        key, service = "issue", services.dialogue_add_issue
    elif step == "answer":
        form = f.AnswerForm(request.POST, prefix=f"a{number}")
        key, service = f"answer-{number}", services.dialogue_answer
    elif step == "issue_to_petition":
        form = f.ToPetitionForm(request.POST, prefix=f"p{number}")
        key, service = f"petition-{number}", services.dialogue_issue_to_petition
    elif step == "issue_to_task":
        form = f.ToTaskForm(request.POST, prefix=f"t{number}", user=request.user)
        key, service = f"task-{number}", services.dialogue_issue_to_task
    else:
        raise Http404
    status = 400
    if form.is_valid():
        try:
            result = service(actor=request.user, dialogue=dialogue, **form.cleaned_data)
        except ServiceError as error:
            status = _refused(request, form, error)
        else:
            if isinstance(result, DialogueIssue) and result.petition is not None:
                messages.success(
                    request, _("Petition %(code)s is recorded.") % {"code": result.petition.code}
                )
            else:
                messages.success(request, _("Saved."))
            return redirect(reverse("movement:dialogue", args=[dialogue.pk]) + "#issues")
    forms[key] = form
    dialogue.refresh_from_db()
    return render(
        request,
        "movement/dialogue.html",
        _dialogue_context(request, dialogue, **forms),
        status=status,
    )
