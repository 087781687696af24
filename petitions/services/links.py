"""Links between petitions and dismissed duplicate suggestions."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from danvan.core.errors import ServiceError
from danvan.core.versions import check_version
from danvan.org.models import User
from petitions.models import (
    EventAction,
    LinkKind,
    Petition,
    PetitionEvent,
    PetitionLink,
)
from petitions.services.base import _event, _lock, _require_handler, _save


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
    if target.pk == petition.pk:
        raise ServiceError(_("A petition cannot be linked to itself."), field="target")
    link, _created = PetitionLink.objects.get_or_create(
        petition=petition, target=target, kind=kind, defaults={"created_by": actor}
    )
    _save(petition)
    _event(
        petition,
        actor=actor,
        action=EventAction.LINKED,
        reason=reason,
        data={"target": target.pk, "target_code": target.code, "kind": kind},
    )
    return link


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
    _event(
        petition,
        actor=actor,
        action=EventAction.DUPLICATE_DISMISSED,
        reason=reason,
        data={"candidate": candidate.pk, "candidate_code": candidate.code},
    )


def dismissed_duplicates(petition: Petition) -> set[int]:
    return {
        int(pk)
        for pk in PetitionEvent.objects.filter(
            petition=petition, action=EventAction.DUPLICATE_DISMISSED
        ).values_list("data__candidate", flat=True)
        if pk is not None
    }
