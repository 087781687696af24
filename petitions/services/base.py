"""
What every petition service shares: the inputs, the scope and permission checks, the row lock,
saving with a new version and writing the timeline.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from dataclasses import field as dc_field
from datetime import date
from decimal import Decimal
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.utils import timezone
from django.utils.translation import gettext as _

from danvan.core.errors import ServiceError
from danvan.org.models import Unit
from danvan.org.permissions import Forbidden, can, holds_anywhere, require
from danvan.org.selectors import scope_paths
from petitions import roles as actions
from petitions.models import (
    Complexity,
    Petition,
    PetitionEvent,
    PetitionField,
    ReceptionSession,
    RespondentKind,
)

CITIZEN_ID_RE = re.compile(r"^\d{12}$")


PHONE_RE = re.compile(r"^0\d{8,10}$")


def today_local() -> date:
    return timezone.localdate()


# --- Inputs --------------------------------------------------------------------------------------
@dataclass
class PetitionerInput:
    full_name: str
    citizen_id: str = ""
    phone: str = ""
    address: str = ""
    email: str = ""


@dataclass
class RespondentInput:
    name: str
    kind: str = RespondentKind.PERSON
    position: str = ""


@dataclass
class AnswerInput:
    number: str
    issued_on: date
    signer: str
    summary: str = ""
    file: UploadedFile | None = None


@dataclass
class PetitionData:
    """What intake records; ids of units and field as the API sends them, or the objects."""

    receiving_unit: Unit | int | None
    location_unit: Unit | int | None
    received_on: date
    channel: str
    kind: str
    summary: str
    content: str = ""
    field: PetitionField | int | None = None
    handling_unit: Unit | int | None = None
    address: str = ""
    latitude: Decimal | None = None
    longitude: Decimal | None = None
    is_eligible: bool = True
    ineligibility_reason: str = ""
    is_anonymous: bool = False
    is_collective: bool = False
    head_count: int = 1
    is_remote_area: bool = False
    several_places: bool = False
    complexity: str = Complexity.NORMAL
    petitioners: Sequence[PetitionerInput] = dc_field(default_factory=list)
    respondents: Sequence[RespondentInput] = dc_field(default_factory=list)
    reception_session: ReceptionSession | int | None = None


def _in_scope(actor: Any, unit: Unit) -> bool:
    paths = scope_paths(actor)
    if paths is None:
        return True
    return any(unit.path.startswith(p) for p in paths)


def _unit_in_scope(actor: Any, value: Unit | int | None, field_name: str) -> Unit:
    """The unit if it exists, is active and lies in the actor's scope; a 400 naming the field."""
    message = _("This unit does not exist or is outside your units.")
    if value is None or value == "":
        raise ServiceError(_("This field is required."), field=field_name)
    if isinstance(value, Unit):
        unit: Unit | None = value
    else:
        try:
            unit = Unit.objects.filter(pk=int(value), is_active=True).first()
        except (TypeError, ValueError):
            unit = None
    if unit is None or not unit.is_active or not _in_scope(actor, unit):
        raise ServiceError(message, field=field_name)
    return unit


def _require_anywhere(actor: Any, action: str) -> None:
    """Refuse at once a person who holds no role granting `action` in any unit."""
    if not holds_anywhere(actor, action):
        raise Forbidden(_("You do not have permission to do this."))


def _require_handler(actor: Any, petition: Petition, action: str = actions.HANDLE) -> None:
    """Workflow steps: a role granting them held at the handling unit or a unit above it."""
    _require_anywhere(actor, action)
    if not can(actor, action, petition.handling_unit):
        raise Forbidden(
            _("Only the handling unit can do this; the petition is now with %(unit)s.")
            % {"unit": petition.handling_unit.name}
        )


def _lock(petition: Petition) -> Petition:
    """Re-read the petition under a row lock, so two transitions never interleave."""
    return (
        Petition.objects.select_for_update()
        .select_related("handling_unit", "receiving_unit", "location_unit")
        .get(pk=petition.pk, deleted_at__isnull=True)
    )


def _save(petition: Petition, *fields: str) -> None:
    petition.version += 1
    petition.save(update_fields=[*fields, "version", "updated_at"])


def _event(
    petition: Petition,
    *,
    actor: Any,
    action: str,
    reason: str = "",
    from_status: str = "",
    to_status: str = "",
    data: dict[str, Any] | None = None,
) -> PetitionEvent:
    event = PetitionEvent.objects.create(
        petition=petition,
        actor=actor if getattr(actor, "pk", None) else None,
        action=action,
        reason=reason,
        from_status=from_status,
        to_status=to_status,
        data=data or {},
    )
    from petitions.services.notices import TRIGGERS, notice_draft

    if action in TRIGGERS:  # a step the law ties to a written notice to the citizen
        notice_draft(petition, event)
    return event


def require_handler(actor: Any, petition: Petition) -> None:
    """The API asks this before it reads a workflow step's input (danvan.core.gates)."""
    _require_handler(actor, petition)


def require_editor(actor: Any, petition: Petition) -> None:
    """petition.correct at the receiving or the handling unit."""
    require(actor, actions.CORRECT, petition.receiving_unit, petition.handling_unit)


def require_attacher(actor: Any, petition: Petition) -> None:
    """petition.attach at the receiving or the handling unit."""
    require(actor, actions.ATTACH, petition.receiving_unit, petition.handling_unit)


def require_identity_viewer(actor: Any, petition: Petition) -> None:
    from petitions.selectors import user_may_see_denouncer

    if petition.identity_protected and not user_may_see_denouncer(actor, petition):
        raise Forbidden(
            _("Only permitted people of the handling unit may see a denouncer's identity.")
        )


# The steps whose reason the law or the record needs: a refusal to accept (guide the
# petitioner elsewhere, return the papers, file without action), a suspension, an extension and
# a reopening are written down with their grounds. Routine steps (accept, transfer, start,
# close, resume, assign) take an optional note.
REASON_REQUIRED: frozenset[str] = frozenset(
    {"guide", "return_papers", "file", "suspend", "extend", "reopen"}
)


def reason_required_message() -> str:
    return _("The reason is required for this step: enter it in the “reason” field.")


def _require_reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ServiceError(_("Give a reason."), field="reason")
    return reason


def _reason_for(action: str, reason: str) -> str:
    """The step's reason, stripped; refused when empty for a step in REASON_REQUIRED."""
    reason = (reason or "").strip()
    if not reason and action in REASON_REQUIRED:
        raise ServiceError(reason_required_message(), field="reason")
    return reason


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value else None


def _existing_unit(value: Unit | int, field_name: str) -> Unit:
    """Transfers may go to any active unit (a sibling or a higher level), not only one's own."""
    if isinstance(value, Unit):
        return value
    try:
        unit = Unit.objects.filter(pk=int(value), is_active=True).first()
    except (TypeError, ValueError):
        unit = None
    if unit is None:
        raise ServiceError(_("This unit does not exist."), field=field_name)
    return unit
