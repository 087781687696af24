"""
The handler's steps: accept, guide, transfer, report a transfer, return the papers, file, start
resolving, resolve, close, reopen, assign, and what a person may do now.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from danvan.core.errors import Conflict, ServiceError
from danvan.core.uploads import renamed, validate_upload
from danvan.org.models import Unit, User
from danvan.org.permissions import Forbidden, roles_granting
from petitions import clock
from petitions import roles as actions
from petitions.models import (
    Answer,
    EventAction,
    Instance,
    LinkKind,
    Petition,
    PetitionKind,
    PetitionLink,
    Result,
    Stage,
    Status,
    Transfer,
)
from petitions.services.base import (
    AnswerInput,
    _event,
    _existing_unit,
    _iso,
    _reason_for,
    _require_handler,
    _save,
    today_local,
)
from petitions.services.deadline_steps import _check_extendable
from petitions.services.deadlines import (
    CLOCK_FIELDS,
    FINISH_FIELDS,
    _start_clock,
    intake_stage,
    policy_for,
    resolution_stage,
)
from petitions.services.states import _finish, _transition, allowed_actions


def actions_available_to(actor: Any, petition: Petition) -> list[str]:
    """
    What `actor` may do with `petition` now: the same checks the services make before
    writing (handling unit and permission, status, and each action's own preconditions),
    run without writing. Reads the extension policy only when extending is in question.
    """
    try:
        _require_handler(actor, petition)
    except Forbidden:
        return []
    available = []
    for action in allowed_actions(petition):
        check = _ACTION_CHECKS.get(action)
        if check is not None:
            try:
                check(actor, petition)
            except ServiceError:
                continue
        available.append(action)
    return available


def _check_reopenable(actor: Any, petition: Petition) -> None:
    """A first-instance complaint only: a second complaint reopens it."""
    if petition.kind != PetitionKind.COMPLAINT:
        raise Conflict(
            _("Only a complaint can be reopened as a second complaint."), code="invalid_transition"
        )
    if petition.instance == Instance.SECOND:
        raise Conflict(
            _("This complaint is already at the second instance."), code="invalid_transition"
        )


_ACTION_CHECKS: dict[str, Any] = {"reopen": _check_reopenable, "extend": _check_extendable}


@transaction.atomic
def petition_accept(
    *,
    actor: User,
    petition: Petition,
    reason: str = "",
    accepted_on: date | None = None,
    today: date | None = None,
    expected_version: int | None = None,
) -> Petition:
    """Thụ lý: the resolution clock starts from the acceptance date."""
    petition = _transition(
        petition, actor=actor, action="accept", expected_version=expected_version
    )
    reason = _reason_for("accept", reason)
    today = today or today_local()
    accepted_on = accepted_on or today
    if accepted_on < petition.received_on:
        raise ServiceError(
            _("Acceptance cannot be before the petition was received."), field="accepted_on"
        )
    if accepted_on > today:
        raise ServiceError(_("The date cannot be in the future."), field="accepted_on")
    before = petition.status
    petition.status = Status.ACCEPTED
    petition.accepted_on = accepted_on
    _start_clock(petition, resolution_stage(petition), accepted_on)
    _save(petition, "status", "accepted_on", *CLOCK_FIELDS)
    _event(
        petition,
        actor=actor,
        action=EventAction.ACCEPTED,
        reason=reason,
        from_status=before,
        to_status=petition.status,
        data={"accepted_on": accepted_on.isoformat(), "due_date": _iso(petition.due_date)},
    )
    return petition


@transaction.atomic
def petition_guide(
    *,
    actor: User,
    petition: Petition,
    reason: str,
    competent_body: str,
    today: date | None = None,
    expected_version: int | None = None,
) -> Petition:
    """Hướng dẫn: tell the petitioner which body is competent; this unit's work ends."""
    petition = _transition(petition, actor=actor, action="guide", expected_version=expected_version)
    reason = _reason_for("guide", reason)
    if not competent_body.strip():
        raise ServiceError(_("Name the competent body."), field="competent_body")
    return _finish(
        petition,
        actor=actor,
        action="guide",
        event=EventAction.GUIDED,
        to_status=Status.GUIDED,
        reason=reason,
        data={"competent_body": competent_body.strip()},
        on=today,
    )


@transaction.atomic
def petition_return_papers(
    *,
    actor: User,
    petition: Petition,
    reason: str,
    today: date | None = None,
    expected_version: int | None = None,
) -> Petition:
    petition = _transition(
        petition, actor=actor, action="return_papers", expected_version=expected_version
    )
    return _finish(
        petition,
        actor=actor,
        action="return_papers",
        event=EventAction.PAPERS_RETURNED,
        to_status=Status.PAPERS_RETURNED,
        reason=_reason_for("return_papers", reason),
        on=today,
    )


@transaction.atomic
def petition_file(
    *,
    actor: User,
    petition: Petition,
    reason: str,
    duplicate_of: Petition | int | None = None,
    today: date | None = None,
    expected_version: int | None = None,
) -> Petition:
    """Lưu đơn: file without action; with `duplicate_of`, also link it as a duplicate."""
    from petitions.selectors import petition_get_for

    petition = _transition(petition, actor=actor, action="file", expected_version=expected_version)
    reason = _reason_for("file", reason)
    data: dict[str, Any] = {}
    if duplicate_of is not None:
        try:
            target = petition_get_for(
                actor, duplicate_of.pk if isinstance(duplicate_of, Petition) else duplicate_of
            )
        except Exception:
            raise ServiceError(
                _("This petition does not exist or is outside your units."), field="duplicate_of"
            ) from None
        if target.pk == petition.pk:
            raise ServiceError(_("A petition cannot duplicate itself."), field="duplicate_of")
        PetitionLink.objects.get_or_create(
            petition=petition,
            target=target,
            kind=LinkKind.DUPLICATE_OF,
            defaults={"created_by": actor},
        )
        data = {"duplicate_of": target.pk, "duplicate_of_code": target.code}
    return _finish(
        petition,
        actor=actor,
        action="file",
        event=EventAction.FILED,
        to_status=Status.FILED,
        reason=reason,
        data=data,
        on=today,
    )


@transaction.atomic
def petition_transfer(
    *,
    actor: User,
    petition: Petition,
    to_unit: Unit | int,
    reason: str = "",
    due_on: date | None = None,
    today: date | None = None,
    expected_version: int | None = None,
) -> Petition:
    """Chuyển đơn: the receiving unit becomes the handler and must report back by `due_on`."""
    petition = _transition(
        petition, actor=actor, action="transfer", expected_version=expected_version
    )
    reason = _reason_for("transfer", reason)
    today = today or today_local()
    target = _existing_unit(to_unit, "to_unit")
    if target.pk == petition.handling_unit_id:
        raise ServiceError(_("The petition is already with this unit."), field="to_unit")
    if due_on is None:
        policy = policy_for(kind=petition.kind, stage=Stage.TRANSFER, unit=petition.handling_unit)
        if policy is None:
            raise ServiceError(_("Give the receiver's deadline."), field="due_on")
        due_on = clock.deadline(today, policy.amount, policy.day_unit)
    elif due_on <= today:
        raise ServiceError(_("The receiver's deadline must be after today."), field="due_on")
    before = petition.status
    from_unit = petition.handling_unit
    Transfer.objects.create(
        petition=petition, from_unit=from_unit, to_unit=target, sent_on=today, due_on=due_on
    )
    petition.status = Status.TRANSFERRED
    petition.handling_unit = target
    petition.assignee = None
    petition.clock_stage = Stage.TRANSFER
    petition.clock_started_on = today
    petition.due_date = due_on
    _save(petition, "status", "handling_unit", "assignee", *CLOCK_FIELDS)
    _event(
        petition,
        actor=actor,
        action=EventAction.TRANSFERRED,
        reason=reason,
        from_status=before,
        to_status=petition.status,
        data={
            "from_unit": from_unit.name,
            "to_unit": target.name,
            "to_unit_id": target.pk,
            "due_on": due_on.isoformat(),
        },
    )
    return petition


def _report_open_transfer(petition: Petition, result: str, on: date) -> Transfer | None:
    transfer = petition.transfers.filter(reported_on__isnull=True).order_by("-id").first()
    if transfer is not None:
        transfer.result = result
        transfer.reported_on = on
        transfer.save(update_fields=["result", "reported_on"])
    return transfer


@transaction.atomic
def petition_report_transfer(
    *,
    actor: User,
    petition: Petition,
    result: str,
    today: date | None = None,
    expected_version: int | None = None,
) -> Petition:
    """The receiver reports what it did with a transferred petition back to the sender."""
    petition = _transition(
        petition, actor=actor, action="report_transfer", expected_version=expected_version
    )
    result = (result or "").strip()
    if not result:
        raise ServiceError(_("Describe the result."), field="result")
    today = today or today_local()
    transfer = _report_open_transfer(petition, result, today)
    return _finish(
        petition,
        actor=actor,
        action="report_transfer",
        event=EventAction.TRANSFER_REPORTED,
        to_status=Status.CLOSED,
        reason=result,
        data={"to_unit": transfer.from_unit.name if transfer else None},
        on=today,
    )


# --- Resolution ----------------------------------------------------------------------------
@transaction.atomic
def petition_start_resolution(
    *, actor: User, petition: Petition, reason: str = "", expected_version: int | None = None
) -> Petition:
    petition = _transition(
        petition, actor=actor, action="start_resolution", expected_version=expected_version
    )
    before = petition.status
    petition.status = Status.UNDER_RESOLUTION
    _save(petition, "status")
    _event(
        petition,
        actor=actor,
        action=EventAction.RESOLUTION_STARTED,
        reason=_reason_for("start_resolution", reason),
        from_status=before,
        to_status=petition.status,
    )
    return petition


@transaction.atomic
def petition_resolve(
    *,
    actor: User,
    petition: Petition,
    result: str,
    answer: AnswerInput,
    reason: str = "",
    today: date | None = None,
    expected_version: int | None = None,
) -> Petition:
    """Resolved with a result and an answer document; a transfer's sender gets the result."""
    petition = _transition(
        petition, actor=actor, action="resolve", expected_version=expected_version
    )
    if result not in Result.values:
        raise ServiceError(_("Choose right, wrong or partly right."), field="result")
    if not answer.number.strip():
        raise ServiceError(_("Enter the answer document's number."), field="answer.number")
    if not answer.signer.strip():
        raise ServiceError(_("Enter who signed the answer."), field="answer.signer")
    if answer.issued_on > (today or today_local()):
        raise ServiceError(_("The date cannot be in the future."), field="answer.issued_on")
    if petition.accepted_on and answer.issued_on < petition.accepted_on:
        raise ServiceError(
            _("The answer cannot be dated before the acceptance."), field="answer.issued_on"
        )
    if answer.file is not None:
        renamed(
            answer.file,
            validate_upload(answer.file, field_name="answer.file", label=_("answer document")),
        )
    document = Answer.objects.create(
        petition=petition,
        number=answer.number.strip(),
        issued_on=answer.issued_on,
        signer=answer.signer.strip(),
        summary=answer.summary,
        file=answer.file or "",
    )
    petition.result = result
    _report_open_transfer(petition, str(Result(result).label), answer.issued_on)
    petition.save(update_fields=["result"])
    return _finish(
        petition,
        actor=actor,
        action="resolve",
        event=EventAction.RESOLVED,
        to_status=Status.RESOLVED,
        reason=reason,
        data={
            "result": result,
            "answer_number": document.number,
            "answer_issued_on": document.issued_on.isoformat(),
        },
        on=answer.issued_on,
    )


@transaction.atomic
def petition_close(
    *, actor: User, petition: Petition, reason: str = "", expected_version: int | None = None
) -> Petition:
    petition = _transition(petition, actor=actor, action="close", expected_version=expected_version)
    before = petition.status
    petition.status = Status.CLOSED
    _save(petition, "status")
    _event(
        petition,
        actor=actor,
        action=EventAction.CLOSED,
        reason=_reason_for("close", reason),
        from_status=before,
        to_status=petition.status,
    )
    return petition


@transaction.atomic
def petition_reopen_second_complaint(
    *,
    actor: User,
    petition: Petition,
    reason: str,
    received_on: date | None = None,
    handling_unit: Unit | int | None = None,
    today: date | None = None,
    expected_version: int | None = None,
) -> Petition:
    """A second complaint: back to received, on the second-instance clocks."""
    petition = _transition(
        petition, actor=actor, action="reopen", expected_version=expected_version
    )
    reason = _reason_for("reopen", reason)
    _check_reopenable(actor, petition)
    today = today or today_local()
    received_on = received_on or today
    if received_on > today:
        raise ServiceError(_("The received date cannot be in the future."), field="received_on")
    if handling_unit is not None:
        petition.handling_unit = _existing_unit(handling_unit, "handling_unit")
    before = petition.status
    petition.status = Status.RECEIVED
    petition.instance = Instance.SECOND
    petition.result = ""
    petition.accepted_on = None
    petition.finished_on = None
    petition.finished_on_time = None
    _start_clock(petition, intake_stage(petition), received_on)
    _save(
        petition,
        "status",
        "instance",
        "result",
        "accepted_on",
        "handling_unit",
        *CLOCK_FIELDS,
        *FINISH_FIELDS,
    )
    _event(
        petition,
        actor=actor,
        action=EventAction.REOPENED,
        reason=reason,
        from_status=before,
        to_status=petition.status,
        data={"instance": Instance.SECOND, "received_on": received_on.isoformat()},
    )
    return petition


# --- Assignment, links, attachments ----------------------------------------------------------
def assignable_users(petition: Petition) -> Any:
    """
    Who may be given the petition: active people holding, at the handling unit itself, a post
    granting petition.take_assignment (its handlers and cadres). A supervisor of the province
    or the centre oversees it from above and is never its assignee; a post the same person
    holds in another unit does not count.
    """
    return (
        User.objects.filter(
            is_active=True,
            memberships__unit_id=petition.handling_unit_id,
            memberships__role__in=roles_granting(actions.TAKE_ASSIGNMENT),
        )
        .distinct()
        .order_by("username")
    )


@transaction.atomic
def petition_assign(
    *,
    actor: User,
    petition: Petition,
    assignee: User | int,
    reason: str = "",
    expected_version: int | None = None,
) -> Petition:
    petition = _transition(
        petition, actor=actor, action="assign", expected_version=expected_version
    )
    user = assignee if isinstance(assignee, User) else User.objects.filter(pk=assignee).first()
    if user is None or not assignable_users(petition).filter(pk=user.pk).exists():
        raise ServiceError(
            _("Choose a person who handles petitions at %(unit)s.")
            % {"unit": petition.handling_unit.name},
            field="assignee",
        )
    petition.assignee = user
    _save(petition, "assignee")
    _event(
        petition,
        actor=actor,
        action=EventAction.ASSIGNED,
        reason=reason,
        data={"assignee": user.pk, "assignee_name": str(user)},
    )
    return petition
