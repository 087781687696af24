"""The steps that act on a legal clock: suspend it, resume it, extend the deadline by decision."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from danvan.core.errors import Conflict, ServiceError
from danvan.org.models import User
from petitions import roles as actions
from petitions.models import (
    DeadlinePolicy,
    EventAction,
    Extension,
    Petition,
    Status,
    Suspension,
)
from petitions.services.base import (
    _event,
    _iso,
    _reason_for,
    _require_handler,
    _save,
    today_local,
)
from petitions.services.deadlines import _policy_with_fallback, compute_due_date
from petitions.services.states import _transition


def _check_extendable(actor: Any, petition: Petition) -> DeadlinePolicy:
    """The permission, and an extension left under the current clock's policy."""
    _require_handler(actor, petition, actions.EXTEND)
    policy = _policy_with_fallback(petition, petition.clock_stage)
    if policy is None or policy.max_extensions == 0:
        raise Conflict(
            _("This deadline cannot be extended."), field="days", code="extension_not_allowed"
        )
    used = petition.extensions.filter(stage=petition.clock_stage).count()
    if used >= policy.max_extensions:
        raise Conflict(
            _("All %(count)s allowed extensions have been used.")
            % {"count": policy.max_extensions},
            field="days",
            code="extension_not_allowed",
        )
    return policy


# --- The clock: suspension, extension -------------------------------------------------------
@transaction.atomic
def petition_suspend(
    *,
    actor: User,
    petition: Petition,
    reason: str,
    suspended_on: date | None = None,
    today: date | None = None,
    expected_version: int | None = None,
) -> Petition:
    """Tạm đình chỉ: the clock stops from this day until resumed."""
    petition = _transition(
        petition, actor=actor, action="suspend", expected_version=expected_version
    )
    reason = _reason_for("suspend", reason)
    suspended_on = suspended_on or today or today_local()
    if petition.clock_started_on and suspended_on < petition.clock_started_on:
        raise ServiceError(_("The suspension cannot start before the clock."), field="suspended_on")
    Suspension.objects.create(petition=petition, started_on=suspended_on, reason=reason)
    before = petition.status
    petition.status_before_suspension = before
    petition.status = Status.SUSPENDED
    _save(petition, "status", "status_before_suspension")
    _event(
        petition,
        actor=actor,
        action=EventAction.SUSPENDED,
        reason=reason,
        from_status=before,
        to_status=petition.status,
        data={"suspended_on": suspended_on.isoformat()},
    )
    return petition


@transaction.atomic
def petition_resume(
    *,
    actor: User,
    petition: Petition,
    reason: str = "",
    resumed_on: date | None = None,
    today: date | None = None,
    expected_version: int | None = None,
) -> Petition:
    """The clock runs again; the days it was stopped are added to the deadline."""
    petition = _transition(
        petition, actor=actor, action="resume", expected_version=expected_version
    )
    reason = _reason_for("resume", reason)
    resumed_on = resumed_on or today or today_local()
    suspension = petition.suspensions.filter(ended_on__isnull=True).order_by("-id").first()
    if suspension is None:  # pragma: no cover - a suspended petition always has one
        raise Conflict(_("This petition is not suspended."), code="invalid_transition")
    if resumed_on <= suspension.started_on:
        raise ServiceError(_("Resumption must be after the suspension began."), field="resumed_on")
    # The paused period is the days from the suspension up to the day before resumption.

    suspension.ended_on = resumed_on - timedelta(days=1)
    suspension.save(update_fields=["ended_on"])
    before = petition.status
    petition.status = petition.status_before_suspension or Status.ACCEPTED
    petition.status_before_suspension = ""
    petition.due_date = compute_due_date(petition)
    _save(petition, "status", "status_before_suspension", "due_date")
    _event(
        petition,
        actor=actor,
        action=EventAction.RESUMED,
        reason=reason,
        from_status=before,
        to_status=petition.status,
        data={"resumed_on": resumed_on.isoformat(), "due_date": _iso(petition.due_date)},
    )
    return petition


@transaction.atomic
def petition_extend(
    *,
    actor: User,
    petition: Petition,
    days: int,
    decision_number: str,
    reason: str,
    decided_on: date | None = None,
    today: date | None = None,
    expected_version: int | None = None,
) -> Petition:
    """Gia hạn by decision, within the number and length of extensions the policy allows."""
    petition = _transition(
        petition, actor=actor, action="extend", expected_version=expected_version
    )
    _require_handler(actor, petition, actions.EXTEND)
    reason = _reason_for("extend", reason)
    if not decision_number.strip():
        raise ServiceError(_("Enter the extension decision's number."), field="decision_number")
    policy = _check_extendable(actor, petition)
    if days < 1 or days > policy.extension_amount:
        raise ServiceError(
            _("An extension is between 1 and %(max)s days.") % {"max": policy.extension_amount},
            field="days",
        )
    Extension.objects.create(
        petition=petition,
        stage=petition.clock_stage,
        days=days,
        decision_number=decision_number.strip(),
        decided_on=decided_on or today or today_local(),
        reason=reason,
    )
    old_due = petition.due_date
    petition.due_date = compute_due_date(petition)
    _save(petition, "due_date")
    _event(
        petition,
        actor=actor,
        action=EventAction.EXTENDED,
        reason=reason,
        data={
            "days": days,
            "decision_number": decision_number.strip(),
            "from": _iso(old_due),
            "to": _iso(petition.due_date),
        },
    )
    return petition
