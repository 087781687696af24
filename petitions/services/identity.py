"""Denouncers' identities: the logged reveal and the grants that allow it."""

from __future__ import annotations

from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from danvan.core.errors import ServiceError
from danvan.org.models import Unit, User
from danvan.org.permissions import Forbidden, can
from petitions import roles as actions
from petitions.models import (
    IdentityAccessLog,
    IdentityGrant,
    Petition,
    Petitioner,
    PetitionPetitioner,
)
from petitions.services.base import _require_reason, today_local


# --- Identity and deletion --------------------------------------------------------------------
@transaction.atomic
def identity_reveal(
    *, actor: User, petition: Petition, reason: str, channel: str = "api"
) -> list[Petitioner]:
    """
    The petitioners in full, for a reason that is logged (IdentityAccessLog) whenever it
    shows something the actor's page hides: a denouncer's identity, to a holder of an
    identity grant covering the handling unit (superusers too); or, of any other petition
    the actor sees, the CCCD and phone masked to those who do not work with it.
    """
    from petitions.selectors import numbers_in_full, user_may_see_denouncer

    if petition.identity_protected:
        if not user_may_see_denouncer(actor, petition):
            raise Forbidden(
                _(
                    "Only a person granted the right to see denouncers in the handling unit "
                    "may see a denouncer's identity."
                )
            )
        logged = True
    else:
        logged = not numbers_in_full(actor, petition)
    if logged:
        IdentityAccessLog.objects.create(
            user=actor, petition=petition, reason=_require_reason(reason), channel=channel
        )
    return [
        party.petitioner
        for party in PetitionPetitioner.objects.filter(petition=petition).select_related(
            "petitioner"
        )
    ]


def identity_grant_allowed(actor: User, unit: Unit) -> bool:
    """An administrator or supervisor at `unit` or above may grant there (a superuser too)."""
    return can(actor, actions.GRANT_IDENTITY, unit)


@transaction.atomic
def identity_grant_create(
    *, actor: User, user: User, unit: Unit, reason: str, valid_until: date
) -> IdentityGrant:
    """Give `user` the right to see denouncers in `unit` and below until `valid_until`; logged."""
    from danvan.audit.models import AuditKind
    from danvan.audit.services import record

    if not identity_grant_allowed(actor, unit):
        raise Forbidden(
            _("Only an administrator or supervisor of this unit or above may grant this.")
        )
    if user.pk == actor.pk:
        raise Forbidden(_("Nobody grants this right to themselves: ask another person."))
    if not user.is_active:
        raise ServiceError(_("This account is disabled."), field="user")
    reason = _require_reason(reason)
    if valid_until < today_local():
        raise ServiceError(_("The end date is in the past."), field="valid_until")
    if valid_until > today_local() + timedelta(days=366):
        raise ServiceError(_("A grant lasts at most one year."), field="valid_until")
    grant = IdentityGrant.objects.create(
        user=user, unit=unit, granted_by=actor, reason=reason, valid_until=valid_until
    )
    record(
        AuditKind.IDENTITY_GRANTED,
        user=actor,
        obj=grant,
        detail={
            "granted_to": user.username,
            "unit": unit.code,
            "valid_until": valid_until.isoformat(),
            "reason": reason,
        },
    )
    return grant


@transaction.atomic
def identity_grant_revoke(*, actor: User, grant: IdentityGrant) -> IdentityGrant:
    """End a grant now; logged. Revoking twice changes nothing."""
    from danvan.audit.models import AuditKind
    from danvan.audit.services import record

    grant = IdentityGrant.objects.select_for_update().select_related("unit").get(pk=grant.pk)
    if not identity_grant_allowed(actor, grant.unit):
        raise Forbidden(
            _("Only an administrator or supervisor of this unit or above may revoke this.")
        )
    if grant.revoked_at is None:
        grant.revoked_at = timezone.now()
        grant.revoked_by = actor
        grant.save(update_fields=["revoked_at", "revoked_by"])
        record(
            AuditKind.IDENTITY_GRANT_REVOKED,
            user=actor,
            obj=grant,
            detail={"granted_to": grant.user.username, "unit": grant.unit.code},
        )
    return grant
