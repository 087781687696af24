"""
Every write in the movement's records: keyword-only, atomic, checked by the one rule at the
record's unit, each writing its event in the same transaction.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from danvan.core.errors import Conflict, ServiceError
from danvan.core.uploads import client_name, renamed, validate_upload
from danvan.core.versions import check_version
from danvan.org.models import Unit, UnitLevel
from danvan.org.permissions import require
from movement import roles as actions
from movement.models import (
    Award,
    Dialogue,
    DialogueIssue,
    DropReason,
    Indicator,
    IndicatorReport,
    IndicatorValue,
    ModelEvidence,
    ModelField,
    ModelStatus,
    MovementEvent,
    MovementModel,
    RecognitionLevel,
    ReportSource,
)

MAX_FIGURE = Decimal("1e15")


def _actor(actor: Any) -> Any:
    return actor if getattr(actor, "pk", None) else None


def _event(
    *,
    actor: Any,
    action: str,
    model: MovementModel | None = None,
    report: IndicatorReport | None = None,
    dialogue: Dialogue | None = None,
    from_status: str = "",
    to_status: str = "",
    reason: str = "",
    **data: Any,
) -> MovementEvent:
    return MovementEvent.objects.create(
        model=model,
        report=report,
        dialogue=dialogue,
        actor=_actor(actor),
        action=action,
        from_status=from_status,
        to_status=to_status,
        reason=reason,
        data=data,
    )


def _year(value: Any, field: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 1945 <= value <= 2100:
        raise ServiceError(_("Enter a year from 1945 to 2100."), field=field)
    return value


def clean_figures(figures: Mapping[str, Any] | None, field: str = "figures") -> dict[str, Decimal]:
    """Known indicator codes only, each a number of zero or more."""
    if not figures:
        return {}
    if not isinstance(figures, Mapping):
        raise ServiceError(_("Figures must be an object of indicator code: number."), field=field)
    known = set(Indicator.objects.values_list("code", flat=True))
    clean: dict[str, Decimal] = {}
    for code, value in figures.items():
        if code not in known:
            raise ServiceError(
                _("Unknown indicator “%(code)s”; known: %(known)s.")
                % {"code": code, "known": ", ".join(sorted(known))},
                field=field,
            )
        if isinstance(value, bool):
            raise ServiceError(
                _("The figure “%(code)s” must be a number of zero or more.") % {"code": code},
                field=field,
            )
        try:
            number = Decimal(str(value))
        except (InvalidOperation, ValueError):
            number = Decimal(-1)
        if not number.is_finite() or number < 0 or number >= MAX_FIGURE:
            raise ServiceError(
                _("The figure “%(code)s” must be a number of zero or more.") % {"code": code},
                field=field,
            )
        clean[code] = number.quantize(Decimal("0.01"))
    return clean


def _as_json(figures: Mapping[str, Decimal]) -> dict[str, int | float]:
    return {k: int(v) if v == v.to_integral_value() else float(v) for k, v in figures.items()}


# --- Models -------------------------------------------------------------------------------------
_MODEL_EDITABLE = {
    "name",
    "field",
    "year_started",
    "year_ended",
    "description",
    "participants",
    "results",
    "figures",
}


def _check_model_values(values: dict[str, Any]) -> None:
    if "name" in values and not str(values["name"]).strip():
        raise ServiceError(_("Enter the model's name."), field="name")
    if "field" in values and values["field"] not in ModelField.values:
        raise ServiceError(_("Choose one of the movement's fields."), field="field")
    if "year_started" in values:
        _year(values["year_started"], "year_started")
    if values.get("year_ended") is not None:
        _year(values["year_ended"], "year_ended")


@transaction.atomic
def model_register(
    *,
    actor: Any,
    unit: Unit,
    name: str,
    field: str,
    year_started: int,
    year_ended: int | None = None,
    description: str = "",
    participants: str = "",
    results: str = "",
    figures: Mapping[str, Any] | None = None,
    name_known: bool = True,
) -> MovementModel:
    require(
        actor,
        actions.RECORD,
        unit,
        message=_("Only the unit's cadres and leaders register its models."),
    )
    values = {"name": name, "field": field, "year_started": year_started}
    values["year_ended"] = year_ended
    _check_model_values(values)
    if year_ended is not None and year_started is not None and year_ended < year_started:
        raise ServiceError(_("The model cannot end before it starts."), field="year_ended")
    model = MovementModel.objects.create(
        unit=unit,
        name=name.strip(),
        name_known=name_known,
        field=field,
        year_started=year_started,
        year_ended=year_ended,
        description=description,
        participants=participants,
        results=results,
        figures=_as_json(clean_figures(figures)),
        created_by=_actor(actor),
    )
    _event(actor=actor, action="registered", model=model, to_status=ModelStatus.REGISTERED)
    return model


def _locked_model(model: MovementModel, expected_version: int | None) -> MovementModel:
    locked = MovementModel.objects.select_for_update().select_related("unit").get(pk=model.pk)
    check_version(locked, expected_version)
    return locked


def _saved(model: MovementModel, target: MovementModel) -> MovementModel:
    """Save the locked copy and bring the caller's copy up to date."""
    model.version += 1
    model.save()
    target.__dict__.update({k: v for k, v in model.__dict__.items() if not k.startswith("_")})
    return model


def require_recorder(actor: Any, model: MovementModel) -> None:
    require(
        actor,
        actions.RECORD,
        model.unit,
        message=_("Only the unit's cadres and leaders change its models."),
    )


def require_reviewer(actor: Any, model: MovementModel) -> None:
    require(
        actor,
        actions.REVIEW,
        model.unit,
        message=_("Only the steering committee's leaders at or above the model's unit review it."),
    )


@transaction.atomic
def model_update(
    *,
    actor: Any,
    model: MovementModel,
    expected_version: int | None = None,
    **changes: Any,
) -> MovementModel:
    target = model
    model = _locked_model(model, expected_version)
    require_recorder(actor, model)
    unknown = set(changes) - _MODEL_EDITABLE
    if unknown:
        raise ServiceError(_("This field cannot be changed here."), field=sorted(unknown)[0])
    _check_model_values(changes)
    if "figures" in changes:
        changes["figures"] = _as_json(clean_figures(changes["figures"]))
    before: dict[str, Any] = {}
    for name in sorted(changes):
        value = changes[name].strip() if name == "name" else changes[name]
        before[name] = getattr(model, name)
        setattr(model, name, value)
    if (
        model.year_ended is not None
        and model.year_started is not None
        and model.year_ended < model.year_started
    ):
        field = "year_ended" if "year_ended" in changes else "year_started"
        raise ServiceError(_("The model cannot end before it starts."), field=field)
    _saved(model, target)
    _event(actor=actor, action="updated", model=model, fields=sorted(changes), before=before)
    return model


def _transition(model: MovementModel, allowed: Iterable[str], target: str, message: str) -> str:
    if model.status not in allowed:
        raise Conflict(message % {"status": model.get_status_display()}, code="invalid_transition")
    before = model.status
    model.status = target
    return before


@transaction.atomic
def model_submit_for_review(
    *, actor: Any, model: MovementModel, expected_version: int | None = None
) -> MovementModel:
    """Put a registered model before the steering committee."""
    target = model
    model = _locked_model(model, expected_version)
    require_recorder(actor, model)
    before = _transition(
        model,
        [ModelStatus.REGISTERED],
        ModelStatus.UNDER_REVIEW,
        _("Only a registered model is put up for review (it is %(status)s)."),
    )
    _saved(model, target)
    _event(actor=actor, action="submitted", model=model, from_status=before, to_status=model.status)
    return model


def recognition_level(unit: Unit) -> str:
    """The steering committee's level a unit recognises at: its own, or its territory's."""
    current: Unit | None = unit
    while current is not None:
        if current.level == UnitLevel.CENTRAL:
            return RecognitionLevel.CENTRAL
        if current.level == UnitLevel.PROVINCE:
            return RecognitionLevel.PROVINCE
        if current.level == UnitLevel.COMMUNE:
            return RecognitionLevel.COMMUNE
        current = current.parent
    return RecognitionLevel.COMMUNE


_LEVEL_RANK: dict[str, int] = {
    RecognitionLevel.COMMUNE: 1,
    RecognitionLevel.PROVINCE: 2,
    RecognitionLevel.CENTRAL: 3,
}


@transaction.atomic
def model_recognise(
    *,
    actor: Any,
    model: MovementModel,
    recognising_unit: Unit,
    decision_number: str,
    decision_date: datetime.date,
    award: str = "",
    award_by: str = "",
    expected_version: int | None = None,
) -> MovementModel:
    """
    The steering committee of `recognising_unit` (the model's unit or one above it)
    recognises the model by a decision; a model recognised at one level may be recognised
    again at a higher one.
    """
    target = model
    model = _locked_model(model, expected_version)
    if not model.unit.path.startswith(recognising_unit.path):
        raise ServiceError(
            _("A unit recognises only the models of its own territory or units."),
            field="recognising_unit",
        )
    require(
        actor,
        actions.REVIEW,
        recognising_unit,
        message=_("Only the recognising unit's leaders recognise models."),
    )
    if not decision_number.strip():
        raise ServiceError(_("Enter the decision's number."), field="decision_number")
    if decision_date > timezone.localdate():
        raise ServiceError(_("The decision date cannot be in the future."), field="decision_date")
    if award not in Award.values:
        raise ServiceError(_("Choose an award from the list."), field="award")
    if award and not award_by.strip():
        raise ServiceError(_("Say who gave the award."), field="award_by")
    level = recognition_level(recognising_unit)
    if model.status in (ModelStatus.RECOGNISED, ModelStatus.REPLICATED):
        if _LEVEL_RANK[level] <= _LEVEL_RANK.get(model.recognition_level, 0):
            raise Conflict(
                _("The model is already recognised at this level or a higher one."),
                code="invalid_transition",
            )
        before = model.status
        model.status = ModelStatus.RECOGNISED
    else:
        before = _transition(
            model,
            [ModelStatus.REGISTERED, ModelStatus.UNDER_REVIEW],
            ModelStatus.RECOGNISED,
            _("A dropped model cannot be recognised (it is %(status)s)."),
        )
    model.recognised_by = recognising_unit
    model.recognition_level = level
    model.decision_number = decision_number.strip()
    model.decision_date = decision_date
    model.recognised_year = decision_date.year
    model.award = award
    model.award_by = award_by.strip()
    _saved(model, target)
    _event(
        actor=actor,
        action="recognised",
        model=model,
        from_status=before,
        to_status=model.status,
        level=level,
        unit=recognising_unit.pk,
        decision=model.decision_number,
        decision_date=decision_date.isoformat(),
        award=award,
    )
    return model


@transaction.atomic
def model_replicate(
    *,
    actor: Any,
    model: MovementModel,
    replicated_in: str,
    expected_version: int | None = None,
) -> MovementModel:
    """A recognised model taken up elsewhere (where, in words: units, villages)."""
    target = model
    model = _locked_model(model, expected_version)
    require_reviewer(actor, model)
    if not replicated_in.strip():
        raise ServiceError(_("Say where the model was replicated."), field="replicated_in")
    before = _transition(
        model,
        [ModelStatus.RECOGNISED, ModelStatus.REPLICATED],
        ModelStatus.REPLICATED,
        _("Only a recognised model is replicated (it is %(status)s)."),
    )
    model.replicated_in = "\n".join(
        part for part in (model.replicated_in, replicated_in.strip()) if part
    )
    _saved(model, target)
    _event(
        actor=actor,
        action="replicated",
        model=model,
        from_status=before,
        to_status=model.status,
        replicated_in=replicated_in.strip(),
    )
    return model


@transaction.atomic
def model_drop(
    *,
    actor: Any,
    model: MovementModel,
    reason: str,
    note: str = "",
    year: int | None = None,
    expected_version: int | None = None,
) -> MovementModel:
    """Drop a model found formal or ineffective ("hình thức, kém hiệu quả")."""
    target = model
    model = _locked_model(model, expected_version)
    require_reviewer(actor, model)
    if reason not in DropReason.values:
        raise ServiceError(_("Choose why the model is dropped."), field="reason")
    before = _transition(
        model,
        [
            ModelStatus.REGISTERED,
            ModelStatus.UNDER_REVIEW,
            ModelStatus.RECOGNISED,
            ModelStatus.REPLICATED,
        ],
        ModelStatus.DROPPED,
        _("The model is already dropped (it is %(status)s)."),
    )
    model.drop_reason = reason
    model.drop_note = note.strip()
    model.last_reviewed_year = year or timezone.localdate().year
    _saved(model, target)
    _event(
        actor=actor,
        action="dropped",
        model=model,
        from_status=before,
        to_status=model.status,
        reason=model.drop_note or str(DropReason(reason).label),
        drop_reason=reason,
    )
    return model


@transaction.atomic
def model_keep(
    *,
    actor: Any,
    model: MovementModel,
    year: int,
    note: str = "",
    expected_version: int | None = None,
) -> MovementModel:
    """The yearly review found the model still effective: it stays counted."""
    target = model
    model = _locked_model(model, expected_version)
    require_reviewer(actor, model)
    _year(year, "year")
    if model.status not in (ModelStatus.RECOGNISED, ModelStatus.REPLICATED):
        raise Conflict(
            _("Only a recognised model is kept at the yearly review (it is %(status)s).")
            % {"status": model.get_status_display()},
            code="invalid_transition",
        )
    model.last_reviewed_year = year
    _saved(model, target)
    _event(actor=actor, action="kept", model=model, reason=note.strip(), year=year)
    return model


@transaction.atomic
def models_review(
    *,
    actor: Any,
    models: Sequence[MovementModel],
    year: int,
    outcome: str,
    reason: str = "",
    note: str = "",
) -> list[MovementModel]:
    """The yearly review of many models at once: all kept, or all dropped; all or nothing."""
    if outcome not in ("keep", "drop"):
        raise ServiceError(_("Choose keep or drop."), field="outcome")
    if not models:
        raise ServiceError(_("Choose at least one model."), field="models")
    done = []
    for model in sorted(models, key=lambda m: m.pk):  # one lock order: no deadlock between two
        if outcome == "keep":
            done.append(model_keep(actor=actor, model=model, year=year, note=note))
        else:
            done.append(model_drop(actor=actor, model=model, reason=reason, note=note, year=year))
    return done


@transaction.atomic
def model_attach_evidence(
    *,
    actor: Any,
    model: MovementModel,
    files: Sequence[UploadedFile],
    caption: str = "",
    expected_version: int | None = None,
) -> list[ModelEvidence]:
    target = model
    model = _locked_model(model, expected_version)
    require_recorder(actor, model)
    if not files:
        raise ServiceError(_("Choose at least one file."), field="files")
    names = [client_name(f, limit=255) for f in files]
    for upload in files:
        renamed(upload, validate_upload(upload, field_name="files", label=_("evidence files")))
    made = [
        ModelEvidence.objects.create(
            model=model,
            file=upload,
            original_name=name,
            caption=caption.strip()[:255],
            uploaded_by=_actor(actor),
        )
        for upload, name in zip(files, names, strict=True)
    ]
    _saved(model, target)
    _event(actor=actor, action="evidence_added", model=model, files=names)
    return made


# --- Indicator reports --------------------------------------------------------------------------
def _indicators_by_code(codes: Iterable[str]) -> dict[str, Indicator]:
    return {i.code: i for i in Indicator.objects.filter(code__in=list(codes))}


def require_reporter(actor: Any, report: IndicatorReport) -> None:
    require(
        actor,
        actions.REPORT_FIGURES,
        report.unit,
        message=_("Only the unit's cadres and leaders report its figures."),
    )


@transaction.atomic
def report_create(
    *,
    actor: Any,
    unit: Unit,
    period_start: datetime.date,
    period_end: datetime.date,
    values: Mapping[str, Any],
    period_label: str = "",
    note: str = "",
    source: str = ReportSource.PERIODIC,
    progress_report: Any = None,
    check: bool = True,
) -> IndicatorReport:
    """A unit's figures for one period, one value per indicator."""
    if check:
        require(
            actor,
            actions.REPORT_FIGURES,
            unit,
            message=_("Only the unit's cadres and leaders report its figures."),
        )
    if period_end < period_start:
        raise ServiceError(_("The period cannot end before it starts."), field="period_end")
    if period_end > timezone.localdate() and source == ReportSource.PERIODIC:
        raise ServiceError(_("Report figures for a period that has ended."), field="period_end")
    figures = clean_figures(values, field="values")
    if not figures:
        raise ServiceError(_("Enter at least one figure."), field="values")
    report = IndicatorReport.objects.create(
        unit=unit,
        period_start=period_start,
        period_end=period_end,
        period_label=period_label.strip(),
        source=source,
        progress_report=progress_report,
        note=note,
        created_by=_actor(actor),
    )
    defined = _indicators_by_code(figures)
    IndicatorValue.objects.bulk_create(
        [
            IndicatorValue(
                report=report,
                indicator=defined[code],
                unit=unit,
                period_end=period_end,
                value=value,
                recorded_by=_actor(actor),
            )
            for code, value in figures.items()
        ]
    )
    _event(actor=actor, action="reported", report=report, values=_as_json(figures))
    return report


@transaction.atomic
def report_correct(
    *,
    actor: Any,
    report: IndicatorReport,
    values: Mapping[str, Any],
    reason: str,
    expected_version: int | None = None,
) -> IndicatorReport:
    """Correct some figures: the old values stay in the history, superseded."""
    target = report
    report = IndicatorReport.objects.select_for_update().select_related("unit").get(pk=report.pk)
    check_version(report, expected_version)
    require_reporter(actor, report)
    if not reason.strip():
        raise ServiceError(_("Say why the figures are corrected."), field="reason")
    figures = clean_figures(values, field="values")
    if not figures:
        raise ServiceError(_("Enter at least one figure."), field="values")
    defined = _indicators_by_code(figures)
    current = {
        v.indicator.code: v for v in report.values.filter(current=True).select_related("indicator")
    }
    changed = {
        code: v for code, v in figures.items() if code not in current or current[code].value != v
    }
    if not changed:
        raise ServiceError(_("None of these figures differs from the report."), field="values")
    IndicatorValue.objects.filter(
        pk__in=[current[code].pk for code in changed if code in current]
    ).update(current=False)
    IndicatorValue.objects.bulk_create(
        [
            IndicatorValue(
                report=report,
                indicator=defined[code],
                unit=report.unit,
                period_end=report.period_end,
                value=value,
                recorded_by=_actor(actor),
                reason=reason.strip()[:500],
            )
            for code, value in changed.items()
        ]
    )
    report.version += 1
    report.save(update_fields=["version", "updated_at"])
    target.version, target.updated_at = report.version, report.updated_at
    _event(
        actor=actor,
        action="corrected",
        report=report,
        reason=reason.strip(),
        before={
            code: _as_json({code: current[code].value})[code] for code in changed if code in current
        },
        after=_as_json(changed),
    )
    return report


def report_from_progress(*, actor: Any, progress_report: Any) -> IndicatorReport | None:
    """
    The figures of a task's progress report, counted for its reporting unit on the day it
    reports (tasks.services.progress calls this in its own transaction; it has checked the
    reporter). Figures without an indicator of the same code are left out.
    """
    figures = {
        code: value
        for code, value in (progress_report.figures or {}).items()
        if code in set(Indicator.objects.values_list("code", flat=True))
    }
    if not figures:
        return None
    day = progress_report.reported_on
    return report_create(
        actor=actor,
        unit=progress_report.unit,
        period_start=day,
        period_end=day,
        values=figures,
        period_label=_("Progress report of task %(task)s") % {"task": progress_report.task_id},
        source=ReportSource.PROGRESS,
        progress_report=progress_report,
        check=False,
    )


# --- Dialogues ----------------------------------------------------------------------------------
_DIALOGUE_EDITABLE = {
    "held_on",
    "leader_name",
    "leader_title",
    "place",
    "participants_count",
    "topics",
    "summary",
}


def require_dialogue_recorder(actor: Any, dialogue: Dialogue) -> None:
    require(
        actor,
        actions.RECORD_DIALOGUE,
        dialogue.unit,
        message=_("Only the unit's cadres and leaders record its dialogues."),
    )


def require_petition_maker(actor: Any, dialogue: Dialogue) -> None:
    """Who may make an issue a petition: a recorder of the dialogue who takes in petitions there."""
    from petitions.roles import INTAKE

    require_dialogue_recorder(actor, dialogue)
    require(
        actor,
        INTAKE,
        dialogue.unit,
        message=_("Only those who record petitions at the dialogue's unit make an issue one."),
    )


def require_task_maker(actor: Any, dialogue: Dialogue) -> None:
    """Who may make an issue a task: the dialogue unit's leaders, who give its tasks."""
    from tasks.roles import MANAGE_TASK

    require_dialogue_recorder(actor, dialogue)
    require(
        actor,
        MANAGE_TASK,
        dialogue.unit,
        message=_("Only the dialogue unit's leaders make an issue a task."),
    )


def _check_dialogue(values: Mapping[str, Any]) -> None:
    if "leader_name" in values and not str(values["leader_name"]).strip():
        raise ServiceError(_("Enter the leader who held the dialogue."), field="leader_name")
    if "held_on" in values and values["held_on"] > timezone.localdate():
        raise ServiceError(_("Record a dialogue once it has been held."), field="held_on")


@transaction.atomic
def dialogue_create(
    *,
    actor: Any,
    unit: Unit,
    held_on: datetime.date,
    leader_name: str,
    leader_title: str = "",
    place: str = "",
    participants_count: int = 0,
    topics: str = "",
    summary: str = "",
    issues: Sequence[str] = (),
) -> Dialogue:
    require(
        actor,
        actions.RECORD_DIALOGUE,
        unit,
        message=_("Only the unit's cadres and leaders record its dialogues."),
    )
    _check_dialogue({"leader_name": leader_name, "held_on": held_on})
    dialogue = Dialogue.objects.create(
        unit=unit,
        held_on=held_on,
        leader_name=leader_name.strip(),
        leader_title=leader_title.strip(),
        place=place.strip(),
        participants_count=participants_count,
        topics=topics,
        summary=summary,
        created_by=_actor(actor),
    )
    texts = [t.strip() for t in issues if t and t.strip()]
    DialogueIssue.objects.bulk_create(
        [DialogueIssue(dialogue=dialogue, number=i, text=t) for i, t in enumerate(texts, 1)]
    )
    _event(actor=actor, action="dialogue_recorded", dialogue=dialogue, issues=len(texts))
    return dialogue


def _locked_dialogue(dialogue: Dialogue, expected_version: int | None) -> Dialogue:
    locked = Dialogue.objects.select_for_update().select_related("unit").get(pk=dialogue.pk)
    check_version(locked, expected_version)
    return locked


def _bump(dialogue: Dialogue, target: Dialogue) -> None:
    dialogue.version += 1
    dialogue.save()
    target.__dict__.update({k: v for k, v in dialogue.__dict__.items() if not k.startswith("_")})


@transaction.atomic
def dialogue_update(
    *, actor: Any, dialogue: Dialogue, expected_version: int | None = None, **changes: Any
) -> Dialogue:
    target = dialogue
    dialogue = _locked_dialogue(dialogue, expected_version)
    require_dialogue_recorder(actor, dialogue)
    unknown = set(changes) - _DIALOGUE_EDITABLE
    if unknown:
        raise ServiceError(_("This field cannot be changed here."), field=sorted(unknown)[0])
    _check_dialogue(changes)
    before = {name: str(getattr(dialogue, name)) for name in sorted(changes)}
    for name, value in changes.items():
        setattr(
            dialogue, name, value.strip() if isinstance(value, str) and name != "topics" else value
        )
    _bump(dialogue, target)
    _event(
        actor=actor,
        action="dialogue_updated",
        dialogue=dialogue,
        fields=sorted(changes),
        before=before,
    )
    return dialogue


@transaction.atomic
def dialogue_add_issue(
    *,
    actor: Any,
    dialogue: Dialogue,
    text: str,
    raised_by: str = "",
    expected_version: int | None = None,
) -> DialogueIssue:
    target = dialogue
    dialogue = _locked_dialogue(dialogue, expected_version)
    require_dialogue_recorder(actor, dialogue)
    if not text.strip():
        raise ServiceError(_("Write what was raised."), field="text")
    number = (dialogue.issues.aggregate(n=Max("number"))["n"] or 0) + 1
    issue = DialogueIssue.objects.create(
        dialogue=dialogue, number=number, text=text.strip(), raised_by=raised_by.strip()
    )
    _bump(dialogue, target)
    _event(actor=actor, action="issue_raised", dialogue=dialogue, number=number)
    return issue


def _issue(dialogue: Dialogue, number: int) -> DialogueIssue:
    issue = dialogue.issues.select_for_update().filter(number=number).first()
    if issue is None:
        raise ServiceError(_("This dialogue has no issue with that number."), field="number")
    return issue


def _not_linked(issue: DialogueIssue) -> None:
    if issue.petition_id or issue.task_id:
        raise Conflict(
            _("This issue already became a petition or a task."), code="invalid_transition"
        )


@transaction.atomic
def dialogue_issue_to_petition(
    *,
    actor: Any,
    dialogue: Dialogue,
    number: int,
    kind: str,
    receiving_unit: Unit | None = None,
    field: Any = None,
    expected_version: int | None = None,
) -> DialogueIssue:
    """
    The issue becomes a kiến nghị or phản ánh received by the dialogue's unit (or the commune
    named), from the citizen who raised it, with a link back to the dialogue.
    """
    from petitions.models import Channel, PetitionKind
    from petitions.services import PetitionData, PetitionerInput, petition_create

    target = dialogue
    dialogue = _locked_dialogue(dialogue, expected_version)
    require_dialogue_recorder(actor, dialogue)
    issue = _issue(dialogue, number)
    _not_linked(issue)
    if kind not in (PetitionKind.RECOMMENDATION, PetitionKind.FEEDBACK):
        raise ServiceError(
            _("An issue raised at a dialogue becomes a recommendation or a feedback."),
            field="kind",
        )
    if not issue.raised_by:
        raise ServiceError(
            _("Record who raised the issue first: a petition names its petitioner."),
            field="number",
        )
    petition, _created = petition_create(
        actor=actor,
        data=PetitionData(
            receiving_unit=receiving_unit or dialogue.unit,
            location_unit=receiving_unit or dialogue.unit,
            received_on=dialogue.held_on,
            channel=Channel.DIALOGUE,
            kind=kind,
            summary=issue.text[:500],
            content=_("Raised at the dialogue of %(date)s held by %(leader)s.")
            % {"date": dialogue.held_on.strftime("%d/%m/%Y"), "leader": dialogue.leader_name},
            field=field,
            petitioners=[PetitionerInput(full_name=issue.raised_by)],
        ),
    )
    issue.petition = petition
    issue.save(update_fields=["petition"])
    _bump(dialogue, target)
    _event(
        actor=actor,
        action="issue_to_petition",
        dialogue=dialogue,
        number=number,
        petition=petition.pk,
        code=petition.code,
    )
    return issue


@transaction.atomic
def dialogue_issue_to_task(
    *,
    actor: Any,
    dialogue: Dialogue,
    number: int,
    lead_unit: Unit,
    due_on: datetime.date | None = None,
    expected_version: int | None = None,
) -> DialogueIssue:
    """The issue becomes a task given by the dialogue's unit, with a link back."""
    from tasks.services import Deadline, task_create

    target = dialogue
    dialogue = _locked_dialogue(dialogue, expected_version)
    require_dialogue_recorder(actor, dialogue)
    issue = _issue(dialogue, number)
    _not_linked(issue)
    task = task_create(
        actor=actor,
        title=issue.text[:500],
        description=_("Raised at the dialogue of %(date)s held by %(leader)s.")
        % {"date": dialogue.held_on.strftime("%d/%m/%Y"), "leader": dialogue.leader_name},
        issuing_unit=dialogue.unit,
        lead_unit=lead_unit,
        deadline=Deadline(due_on=due_on) if due_on else None,
    )
    issue.task = task
    issue.save(update_fields=["task"])
    _bump(dialogue, target)
    _event(actor=actor, action="issue_to_task", dialogue=dialogue, number=number, task=task.pk)
    return issue


@transaction.atomic
def dialogue_answer(
    *,
    actor: Any,
    dialogue: Dialogue,
    number: int,
    answer: str,
    resolved: bool = False,
    expected_version: int | None = None,
) -> DialogueIssue:
    """Record the answer given to an issue (at the dialogue or after it)."""
    target = dialogue
    dialogue = _locked_dialogue(dialogue, expected_version)
    require_dialogue_recorder(actor, dialogue)
    issue = _issue(dialogue, number)
    if not answer.strip():
        raise ServiceError(_("Write the answer given."), field="answer")
    issue.answer = answer.strip()
    issue.answered_at = timezone.now()
    issue.resolved = resolved
    issue.save(update_fields=["answer", "answered_at", "resolved"])
    _bump(dialogue, target)
    _event(
        actor=actor, action="issue_answered", dialogue=dialogue, number=number, resolved=resolved
    )
    return issue
