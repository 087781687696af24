"""
Legal clocks: the deadline policy of each stage, due dates in working days, and their
recomputation when the calendar changes.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from danvan.org.models import Unit
from petitions import clock
from petitions.models import (
    OPEN_STATUSES,
    Complexity,
    DeadlinePolicy,
    EventAction,
    Instance,
    Petition,
    PetitionKind,
    Stage,
    Status,
)
from petitions.services.base import _event, _save


# --- Clocks ------------------------------------------------------------------------------------
def policy_for(*, kind: str, stage: str, unit: Unit | None) -> DeadlinePolicy | None:
    """The policy of the nearest unit above (or at) `unit`, else the default one."""
    policies = list(
        DeadlinePolicy.objects.filter(kind=kind, stage=stage)
        .filter(Q(unit__isnull=True) | Q(unit__path__in=_ancestor_paths(unit)))
        .select_related("unit")
    )
    if not policies:
        return None
    return max(policies, key=lambda p: p.unit.depth if p.unit else -1)


def _ancestor_paths(unit: Unit | None) -> list[str]:
    if unit is None:
        return []
    parts = [p for p in unit.path.split("/") if p]
    return ["/" + "/".join(parts[: i + 1]) + "/" for i in range(len(parts))]


def intake_stage(petition: Petition) -> str:
    if petition.kind == PetitionKind.COMPLAINT:
        return Stage.ACCEPTANCE
    if petition.kind == PetitionKind.DENUNCIATION:
        return Stage.CHECK_SEVERAL_PLACES if petition.several_places else Stage.CHECK
    return Stage.PROCESSING


def resolution_stage(petition: Petition) -> str:
    complex_ = petition.complexity != Complexity.NORMAL
    if petition.kind == PetitionKind.COMPLAINT:
        second = petition.instance == Instance.SECOND
        if petition.is_remote_area and complex_:
            return Stage.RESOLVE_SECOND_REMOTE_COMPLEX if second else Stage.RESOLVE_REMOTE_COMPLEX
        if petition.is_remote_area:
            return Stage.RESOLVE_SECOND_REMOTE if second else Stage.RESOLVE_REMOTE
        if complex_:
            return Stage.RESOLVE_SECOND_COMPLEX if second else Stage.RESOLVE_COMPLEX
        return Stage.RESOLVE_SECOND if second else Stage.RESOLVE
    if petition.kind == PetitionKind.DENUNCIATION:
        if petition.complexity == Complexity.ESPECIALLY_COMPLEX:
            return Stage.RESOLVE_ESPECIALLY_COMPLEX
        if petition.complexity == Complexity.COMPLEX:
            return Stage.RESOLVE_COMPLEX
    return Stage.RESOLVE


def _policy_with_fallback(petition: Petition, stage: str) -> DeadlinePolicy | None:
    policy = policy_for(kind=petition.kind, stage=stage, unit=petition.handling_unit)
    if policy is None and stage.startswith("resolve") and stage != Stage.RESOLVE:
        policy = policy_for(kind=petition.kind, stage=Stage.RESOLVE, unit=petition.handling_unit)
    return policy


def compute_due_date(petition: Petition, *, new: bool = False) -> date | None:
    """
    The current stage's deadline from the policies, extensions and suspensions. `new`: a
    petition being recorded, which has no transfer, extension or suspension yet (nothing to
    look up: its policy is the one read).
    """
    if petition.status == Status.TRANSFERRED and not new:
        transfer = petition.transfers.filter(reported_on__isnull=True).order_by("-id").first()
        return transfer.due_on if transfer else petition.due_date
    if not petition.clock_stage or petition.clock_started_on is None:
        return None
    policy = _policy_with_fallback(petition, petition.clock_stage)
    if policy is None:
        return None
    if new:
        return clock.deadline(petition.clock_started_on, policy.amount, policy.day_unit, pauses=[])
    extra = sum(
        petition.extensions.filter(stage=petition.clock_stage).values_list("days", flat=True)
    )
    pauses = [
        (s.started_on, s.ended_on)
        for s in petition.suspensions.filter(
            ended_on__isnull=False, started_on__gte=petition.clock_started_on
        )
        if s.ended_on is not None
    ]
    return clock.deadline(
        petition.clock_started_on, policy.amount + extra, policy.day_unit, pauses=pauses
    )


def _start_clock(petition: Petition, stage: str, started_on: date, *, new: bool = False) -> None:
    petition.clock_stage = stage
    petition.clock_started_on = started_on
    petition.due_date = compute_due_date(petition, new=new)


def _finish_clock(petition: Petition, on: date) -> None:
    petition.finished_on = on
    petition.finished_on_time = petition.due_date is None or on <= petition.due_date


CLOCK_FIELDS = ("clock_stage", "clock_started_on", "due_date")


FINISH_FIELDS = ("finished_on", "finished_on_time")


def deadline_recompute(*, petition: Petition, actor: Any = None, reason: str = "") -> bool:
    """Recompute the stored deadline of an open petition; an event if it moved."""
    if petition.status not in OPEN_STATUSES or petition.status == Status.SUSPENDED:
        return False
    new_due = compute_due_date(petition)
    if new_due == petition.due_date:
        return False
    old_due = petition.due_date
    petition.due_date = new_due
    _save(petition, "due_date")
    _event(
        petition,
        actor=actor,
        action=EventAction.DEADLINE_RECOMPUTED,
        reason=reason,
        data={
            "from": old_due.isoformat() if old_due else None,
            "to": new_due.isoformat() if new_due else None,
        },
    )
    return True


def deadlines_recompute_for_day(changed_day: date) -> int:
    """For danvan.calendar: a day's status changed; recompute the open deadlines it touches."""
    count = 0
    reason = _("The working-day calendar changed on %(day)s.") % {
        "day": changed_day.strftime("%d/%m/%Y")
    }
    candidates = Petition.objects.filter(
        deleted_at__isnull=True,
        status__in=[s for s in OPEN_STATUSES if s not in (Status.SUSPENDED, Status.TRANSFERRED)],
        clock_started_on__lte=changed_day,
        due_date__gte=changed_day,
    ).values_list("pk", flat=True)
    for pk in candidates.iterator(chunk_size=500):
        with transaction.atomic():
            petition = (
                Petition.objects.select_for_update().select_related("handling_unit").get(pk=pk)
            )
            if deadline_recompute(petition=petition, reason=reason):
                count += 1
    return count
