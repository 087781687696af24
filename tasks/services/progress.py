"""Progress reports and their figures, and the issuer's approval or return of a completion."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Prefetch, prefetch_related_objects
from django.utils import timezone
from django.utils.translation import gettext as _

from danvan.core.errors import Conflict, ServiceError
from danvan.core.uploads import client_name, renamed, validate_upload
from danvan.core.versions import check_version
from danvan.org.models import Unit
from danvan.org.permissions import require
from tasks import roles as actions
from tasks.models import (
    PROGRESS_FIGURES,
    ProgressEvidence,
    ProgressReport,
    ReportState,
    Task,
    TaskAssignment,
)
from tasks.selectors import reporting_unit
from tasks.services.base import _actor, _create_once, _event, _forbidden, _require_manager
from tasks.services.tasks import _rollup_parent

FIGURE_KEYS = frozenset(PROGRESS_FIGURES)


def validate_figures(figures: dict[str, Any] | None) -> dict[str, int | float]:
    """Known keys only, each a number ≥ 0."""
    if not figures:
        return {}
    if not isinstance(figures, dict):
        raise ServiceError(_("Figures must be an object of name: number."), field="figures")
    clean: dict[str, int | float] = {}
    for key, value in figures.items():
        if key not in FIGURE_KEYS:
            raise ServiceError(
                _("Unknown figure “%(key)s”; known: %(known)s.")
                % {"key": key, "known": ", ".join(sorted(FIGURE_KEYS))},
                field="figures",
            )
        if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
            raise ServiceError(
                _("The figure “%(key)s” must be a number of zero or more.") % {"key": key},
                field="figures",
            )
        clean[key] = value
    return clean


@transaction.atomic
def progress_report_submit(
    *,
    actor: Any,
    task: Task,
    text: str,
    percent: int,
    unit: Unit | None = None,
    figures: dict[str, Any] | None = None,
    files: Sequence[UploadedFile] = (),
    reported_on: datetime.date | None = None,
    client_id: str | None = None,
    expected_version: int | None = None,
) -> ProgressReport:
    """A unit reports progress; at 100 % the task waits for the issuer's approval."""
    if client_id:
        existing = ProgressReport.objects.filter(client_id=client_id).first()
        if existing is not None:
            if existing.task_id != task.pk or existing.author_id != getattr(actor, "pk", None):
                raise Conflict(
                    _("This client id is already used by another record."),
                    field="client_id",
                    code="client_id_taken",
                )
            return existing
    task = Task.objects.select_for_update().get(pk=task.pk)
    check_version(task, expected_version)
    prefetch_related_objects(
        [task], Prefetch("assignments", queryset=TaskAssignment.objects.select_related("unit"))
    )
    assignments = list(task.assignments.all())
    found = reporting_unit(actor, task)
    if found is None:
        raise _forbidden(_("Only the lead and coordinating units report on this task."))
    if task.cancelled:
        raise Conflict(_("The task is cancelled."), code="invalid_transition")
    if task.completed_on is not None:
        raise Conflict(_("The task is already approved as done."), code="invalid_transition")
    if isinstance(percent, bool) or not isinstance(percent, int) or not 0 <= percent <= 100:
        raise ServiceError(_("The progress must be a whole number from 0 to 100."), field="percent")
    if not text.strip():
        raise ServiceError(_("Describe what was done."), field="text")
    clean_figures = validate_figures(figures)
    names = [client_name(f, limit=255) for f in files]
    for upload in files:
        renamed(upload, validate_upload(upload, field_name="evidence", label=_("evidence files")))
    reporting = unit or found
    if reporting is None or reporting.pk not in {a.unit_id for a in assignments}:
        raise ServiceError(_("This unit has no part in the task."), field="unit")
    # A named unit: the reporter must hold task.report_progress there, not only elsewhere.
    require(
        actor,
        actions.REPORT_PROGRESS,
        reporting,
        message=_("Only the lead and coordinating units report on this task."),
    )
    now = timezone.now()
    report, created = _create_once(
        ProgressReport,
        client_id=client_id or None,
        actor=actor,
        owner_field="author_id",
        task=task,
        unit=reporting,
        author=_actor(actor),
        reported_on=reported_on or timezone.localdate(),
        text=text.strip(),
        percent=percent,
        figures=clean_figures,
    )
    if not created:
        return report
    ProgressEvidence.objects.bulk_create(
        [
            ProgressEvidence(report=report, file=f, name=name)
            for f, name in zip(files, names, strict=True)
        ]
    )
    if clean_figures:
        # The figures count in the movement's indicators, for the reporting unit, that day.
        from movement.services import report_from_progress

        report_from_progress(actor=actor, progress_report=report)
    TaskAssignment.objects.filter(task=task, unit=reporting).update(
        report=report.text, reported_at=now
    )
    is_lead = reporting.pk == task.lead_unit_id
    if is_lead:
        task.progress_percent = percent
        task.awaiting_approval = percent == 100
    task.last_reported_at = now
    task.version += 1
    task.save(
        update_fields=[
            "progress_percent",
            "awaiting_approval",
            "last_reported_at",
            "version",
            "updated_at",
        ]
    )
    _event(
        actor=actor,
        action="progress_reported",
        task=task,
        report=report.pk,
        unit=reporting.pk,
        percent=percent,
        figures=clean_figures,
        files=len(files),
    )
    if task.parent_id and is_lead:
        _rollup_parent(task.parent_id)
    return report


MAX_EVIDENCE_FILES = 20


@transaction.atomic
def progress_evidence_add(
    *,
    actor: Any,
    task: Task,
    report: int,
    file: UploadedFile,
    expected_version: int | None = None,
) -> ProgressReport:
    """
    One more evidence file (a photo, a scan) on a progress report of the task, by someone who
    reports on it, while the issuer has not decided on the report: how an app sends a report
    as JSON, then its photos one by one.
    """
    task = Task.objects.select_for_update().get(pk=task.pk)
    check_version(task, expected_version)
    found = ProgressReport.objects.filter(task=task, pk=report).first()
    if found is None:
        raise ServiceError(_("This task has no such progress report."), field="report")
    if reporting_unit(actor, task) is None:
        raise _forbidden(_("Only the lead and coordinating units report on this task."))
    if found.state != ReportState.SUBMITTED:
        raise Conflict(_("The report has already been decided on."), code="invalid_transition")
    if found.evidence.count() >= MAX_EVIDENCE_FILES:
        raise ServiceError(
            _("A report has at most %(count)d files.") % {"count": MAX_EVIDENCE_FILES},
            field="file",
        )
    name = client_name(file, limit=255)
    renamed(file, validate_upload(file, field_name="file", label=_("file")))
    ProgressEvidence.objects.create(report=found, file=file, name=name)
    task.version += 1
    task.save(update_fields=["version", "updated_at"])
    _event(actor=actor, action="evidence_added", task=task, report=found.pk, name=name)
    return found


def _latest_completion_report(task: Task) -> ProgressReport:
    report = (
        task.progress_reports.filter(
            state=ReportState.SUBMITTED, percent=100, unit_id=task.lead_unit_id
        )
        .order_by("-created_at", "-id")
        .first()
    )
    if not task.awaiting_approval or report is None:
        raise Conflict(
            _("Nothing to approve: the lead unit has not reported the task done."),
            code="invalid_transition",
        )
    return report


@transaction.atomic
def task_approve(*, actor: Any, task: Task, expected_version: int | None = None) -> Task:
    """The issuer accepts the completion; the task counts as done on the report's date."""
    task = Task.objects.select_for_update().get(pk=task.pk)
    check_version(task, expected_version)
    _require_manager(
        actor, task.issuing_unit, _("Only the issuing unit's leaders approve completion.")
    )
    report = _latest_completion_report(task)
    report.state = ReportState.APPROVED
    report.save(update_fields=["state"])
    task.completed_on = report.reported_on
    task.approved_at = timezone.now()
    task.approved_by = _actor(actor)
    task.awaiting_approval = False
    task.version += 1
    task.save(
        update_fields=[
            "completed_on",
            "approved_at",
            "approved_by",
            "awaiting_approval",
            "version",
            "updated_at",
        ]
    )
    _event(
        actor=actor,
        action="approved",
        task=task,
        report=report.pk,
        completed_on=report.reported_on.isoformat(),
    )
    return task


@transaction.atomic
def task_return(
    *, actor: Any, task: Task, reason: str, expected_version: int | None = None
) -> Task:
    """The issuer sends the completion back with a reason; the unit reports again."""
    task = Task.objects.select_for_update().get(pk=task.pk)
    check_version(task, expected_version)
    _require_manager(actor, task.issuing_unit, _("Only the issuing unit's leaders return a task."))
    if not reason.strip():
        raise ServiceError(_("Give the reason for returning the task."), field="reason")
    report = _latest_completion_report(task)
    report.state = ReportState.RETURNED
    report.return_reason = reason.strip()
    report.save(update_fields=["state", "return_reason"])
    task.awaiting_approval = False
    task.version += 1
    task.save(update_fields=["awaiting_approval", "version", "updated_at"])
    _event(actor=actor, action="returned", task=task, report=report.pk, reason=report.return_reason)
    return task
