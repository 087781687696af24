"""Links between petitions, dismissed duplicate suggestions, and merging two petitions."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from danvan.core.errors import Conflict, ServiceError
from danvan.core.versions import check_version
from danvan.org.models import User
from petitions.models import (
    OPEN_STATUSES,
    EventAction,
    LinkKind,
    Petition,
    PetitionEvent,
    PetitionLink,
    PetitionPetitioner,
    Status,
)
from petitions.services.base import _event, _lock, _require_handler, _save, today_local
from petitions.services.deadlines import FINISH_FIELDS, _finish_clock


@transaction.atomic
def petition_link(
    *,
    actor: User,
    petition: Petition,
    target: Petition,
    kind: str = LinkKind.LINKED,
    reason: str = "",
    expected_version: int | None = None,
) -> PetitionLink:
    petition = _lock(petition)
    _require_handler(actor, petition)
    check_version(petition, expected_version)
    if kind not in LinkKind.values:
        raise ServiceError(_("Unknown link kind."), field="kind")
    if kind == LinkKind.MERGED_INTO:
        raise ServiceError(_("Merge the petitions instead (the merge step)."), field="kind")
    if target.pk == petition.pk:
        raise ServiceError(_("A petition cannot be linked to itself."), field="target")
    link = _link(petition, target=target, kind=kind, actor=actor, reason=reason)
    _save(petition)
    return link


def _link(
    petition: Petition, *, target: Petition, kind: str, actor: Any, reason: str = ""
) -> PetitionLink:
    """The link and its event; the caller has checked who may and saves the petition."""
    link, _created = PetitionLink.objects.get_or_create(
        petition=petition, target=target, kind=kind, defaults={"created_by": actor}
    )
    _event(
        petition,
        actor=actor,
        action=EventAction.LINKED,
        reason=reason,
        data={"target": target.pk, "target_code": target.code, "kind": kind},
    )
    return link


def _dismiss(petition: Petition, *, candidate: Petition, actor: Any, reason: str = "") -> None:
    """The dismissal's event (what dismissed_duplicates reads); the caller checked who may."""
    _event(
        petition,
        actor=actor,
        action=EventAction.DUPLICATE_DISMISSED,
        reason=reason,
        data={"candidate": candidate.pk, "candidate_code": candidate.code},
    )


@transaction.atomic
def petition_dismiss_duplicate(
    *,
    actor: User,
    petition: Petition,
    candidate: Petition,
    reason: str = "",
    expected_version: int | None = None,
) -> None:
    """The handler decides a suggested earlier petition is not the same matter."""
    petition = _lock(petition)
    _require_handler(actor, petition)
    check_version(petition, expected_version)
    if candidate.pk == petition.pk:
        raise ServiceError(_("A petition cannot duplicate itself."), field="candidate")
    _save(petition)
    _dismiss(petition, candidate=candidate, actor=actor, reason=reason)


def dismissed_duplicates(petition: Petition) -> set[int]:
    return {
        int(pk)
        for pk in PetitionEvent.objects.filter(
            petition=petition, action=EventAction.DUPLICATE_DISMISSED
        ).values_list("data__candidate", flat=True)
        if pk is not None
    }


# --- Merging --------------------------------------------------------------------------------------
@transaction.atomic
def petition_merge(
    *,
    actor: User,
    petition: Petition,
    absorbed: Petition,
    reason: str = "",
    expected_version: int | None = None,
    today: date | None = None,
) -> Petition:
    """
    Merge `absorbed` into `petition`, the one kept: both handled by the same unit, by a person
    who may handle both. The absorbed one is filed ("merged into …", its clock finished) and
    stays readable; its petitioners join the kept one's, and the kept one's page and timeline
    show its events, contents and files, each marked with its code. Both rows are locked in id
    order (two merges of the same pair never deadlock); merging again is a no-op.
    """
    if absorbed.pk == petition.pk:
        raise ServiceError(_("A petition cannot be merged into itself."), field="absorbed")
    rows = {
        row.pk: row
        for row in Petition.objects.select_for_update(of=("self",))
        .select_related("handling_unit", "receiving_unit", "location_unit")
        .filter(pk__in=[petition.pk, absorbed.pk], deleted_at__isnull=True)
        .order_by("pk")
    }
    if petition.pk not in rows:
        raise Petition.DoesNotExist
    if absorbed.pk not in rows:
        raise ServiceError(
            _("This petition does not exist or is outside your units."), field="absorbed"
        )
    keep, gone = rows[petition.pk], rows[absorbed.pk]
    _require_handler(actor, keep)
    _require_handler(actor, gone)
    merges = PetitionLink.objects.filter(kind=LinkKind.MERGED_INTO)
    if merges.filter(petition=gone, target=keep).exists():
        return keep  # a retry of a merge that went through
    check_version(keep, expected_version)
    earlier = merges.filter(petition=gone).select_related("target").first()
    if earlier is not None:
        raise Conflict(
            _("%(code)s was already merged into %(other)s.")
            % {"code": gone.code, "other": earlier.target.code},
            field="absorbed",
            code="invalid_transition",
        )
    into = merges.filter(petition=keep).select_related("target").first()
    if into is not None:
        raise Conflict(
            _("%(code)s was merged into %(other)s: merge into that one.")
            % {"code": keep.code, "other": into.target.code},
            field="absorbed",
            code="invalid_transition",
        )
    if keep.handling_unit_id != gone.handling_unit_id:
        raise ServiceError(
            _("Both petitions must be handled by the same unit; transfer one first."),
            field="absorbed",
        )
    if keep.identity_protected != gone.identity_protected:
        # A denouncer's identity would join, or be shown with, a petition that does not hide it.
        raise ServiceError(
            _("A denunciation can be merged only with another protected petition."),
            field="absorbed",
        )
    if gone.status not in OPEN_STATUSES:
        raise Conflict(
            _("%(code)s is already finished (“%(status)s”); link it instead.")
            % {"code": gone.code, "status": gone.get_status_display()},
            field="absorbed",
            code="invalid_transition",
        )
    reason = (reason or "").strip()

    before = gone.status
    _finish_clock(gone, today or today_local())
    gone.status = Status.FILED
    PetitionLink.objects.create(
        petition=gone, target=keep, kind=LinkKind.MERGED_INTO, created_by=actor
    )
    _save(gone, "status", *FINISH_FIELDS)
    _event(
        gone,
        actor=actor,
        action=EventAction.MERGED,
        reason=reason,
        from_status=before,
        to_status=Status.FILED,
        data={"merged_into": keep.pk, "merged_into_code": keep.code},
    )

    if not keep.is_anonymous:
        taken = set(
            PetitionPetitioner.objects.filter(petition=keep).values_list("petitioner_id", flat=True)
        )
        position = len(taken)
        for party in PetitionPetitioner.objects.filter(petition=gone).order_by("position", "id"):
            if party.petitioner_id not in taken:
                PetitionPetitioner.objects.create(
                    petition=keep, petitioner_id=party.petitioner_id, position=position
                )
                taken.add(party.petitioner_id)
                position += 1
    from petitions.services.intake import _refresh_search_text

    _refresh_search_text(keep)
    _save(keep, "search_text")
    _event(
        keep,
        actor=actor,
        action=EventAction.ABSORBED,
        reason=reason,
        data={"absorbed": gone.pk, "absorbed_code": gone.code},
    )
    return keep
