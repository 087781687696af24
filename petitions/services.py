"""
Every write to petitions: intake, the handling workflow, the clocks, identity access.

Each public function is keyword-only, atomic, takes `actor=` and writes a PetitionEvent in
the same transaction. A transition that the current status does not allow raises a
Conflict (409) with a message saying what is allowed; nothing is changed.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from dataclasses import field as dc_field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from danvan.core.errors import Conflict, ServiceError
from danvan.core.text import fold
from danvan.core.uploads import client_name, renamed, validate_upload
from danvan.core.versions import check_version
from danvan.org.models import Unit, User
from danvan.org.permissions import Forbidden, can, holds_anywhere, require
from danvan.org.selectors import scope_paths
from petitions import clock
from petitions import roles as actions
from petitions.models import (
    OPEN_STATUSES,
    Answer,
    Attachment,
    Channel,
    Complexity,
    DeadlinePolicy,
    EventAction,
    Extension,
    IdentityAccessLog,
    IdentityGrant,
    Instance,
    LinkKind,
    Petition,
    PetitionCodeCounter,
    Petitioner,
    PetitionEvent,
    PetitionField,
    PetitionKind,
    PetitionLink,
    PetitionPetitioner,
    ReceptionSession,
    Respondent,
    RespondentKind,
    Result,
    Stage,
    Status,
    Suspension,
    Transfer,
    citizen_id_hash,
    name_hash,
    normalise_phone,
    phone_hash,
)

CITIZEN_ID_RE = re.compile(r"^\d{12}$")
PHONE_RE = re.compile(r"^0\d{8,10}$")


__all__ = ["Forbidden"]  # the permission error, raised here for every refused action


def today_local() -> date:
    return timezone.localdate()


# --- Inputs --------------------------------------------------------------------------------------
@dataclass
class PetitionerInput:
    full_name: str
    citizen_id: str = ""
    phone: str = ""
    address: str = ""


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


# --- Small helpers ---------------------------------------------------------------------------


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
    return PetitionEvent.objects.create(
        petition=petition,
        actor=actor if getattr(actor, "pk", None) else None,
        action=action,
        reason=reason,
        from_status=from_status,
        to_status=to_status,
        data=data or {},
    )


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


def _require_reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ServiceError(_("Give a reason."), field="reason")
    return reason


def _require_status(petition: Petition, action: str) -> None:
    allowed = TRANSITIONS[action]
    if petition.status not in allowed:
        raise Conflict(
            _(
                "Cannot %(action)s a petition whose status is “%(status)s”; allowed from: "
                "%(allowed)s."
            )
            % {
                "action": ACTION_NAMES[action],
                "status": petition.get_status_display(),
                "allowed": ", ".join(str(Status(s).label) for s in allowed),
            },
            code="invalid_transition",
        )


# The state machine: action -> statuses it may start from.
TRANSITIONS: dict[str, tuple[str, ...]] = {
    "accept": (Status.RECEIVED, Status.TRANSFERRED),
    "guide": (Status.RECEIVED, Status.TRANSFERRED),
    "transfer": (Status.RECEIVED, Status.TRANSFERRED),
    "report_transfer": (Status.TRANSFERRED,),
    "return_papers": (Status.RECEIVED, Status.TRANSFERRED),
    "file": (Status.RECEIVED, Status.TRANSFERRED),
    "start_resolution": (Status.ACCEPTED,),
    "resolve": (Status.ACCEPTED, Status.UNDER_RESOLUTION),
    "close": (Status.RESOLVED, Status.GUIDED, Status.PAPERS_RETURNED, Status.FILED),
    "reopen": (Status.RESOLVED, Status.CLOSED),
    "suspend": (Status.ACCEPTED, Status.UNDER_RESOLUTION),
    "resume": (Status.SUSPENDED,),
    "extend": (Status.ACCEPTED, Status.UNDER_RESOLUTION),
    "assign": tuple(OPEN_STATUSES),
    "update": tuple(OPEN_STATUSES),
}

ACTION_NAMES: dict[str, Any] = {
    "accept": _("accept"),
    "guide": _("guide the petitioner"),
    "transfer": _("transfer"),
    "report_transfer": _("report the transfer result"),
    "return_papers": _("return the papers of"),
    "file": _("file"),
    "start_resolution": _("start resolving"),
    "resolve": _("resolve"),
    "close": _("close"),
    "reopen": _("reopen"),
    "suspend": _("suspend"),
    "resume": _("resume"),
    "extend": _("extend the deadline of"),
    "assign": _("assign"),
    "update": _("change"),
}


def allowed_actions(petition: Petition) -> list[str]:
    return [action for action, statuses in TRANSITIONS.items() if petition.status in statuses]


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


_ACTION_CHECKS: dict[str, Any] = {"reopen": _check_reopenable, "extend": _check_extendable}


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


def compute_due_date(petition: Petition) -> date | None:
    """The current stage's deadline from the policies, extensions and suspensions."""
    if petition.status == Status.TRANSFERRED:
        transfer = petition.transfers.filter(reported_on__isnull=True).order_by("-id").first()
        return transfer.due_on if transfer else petition.due_date
    if not petition.clock_stage or petition.clock_started_on is None:
        return None
    policy = _policy_with_fallback(petition, petition.clock_stage)
    if policy is None:
        return None
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


def _start_clock(petition: Petition, stage: str, started_on: date) -> None:
    petition.clock_stage = stage
    petition.clock_started_on = started_on
    petition.due_date = compute_due_date(petition)


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


# --- Intake ----------------------------------------------------------------------------------
def _allocate_code(unit: Unit, year: int) -> str:
    """Next code for this unit and year; the counter row is locked until the commit."""
    counter = PetitionCodeCounter.objects.select_for_update().filter(unit=unit, year=year).first()
    if counter is None:
        try:
            with transaction.atomic():
                counter = PetitionCodeCounter.objects.create(unit=unit, year=year)
        except IntegrityError:
            counter = PetitionCodeCounter.objects.select_for_update().get(unit=unit, year=year)
    counter.last_value += 1
    counter.save(update_fields=["last_value"])
    return f"DT-{year}-{counter.last_value:06d}"


def _validate_petitioner(index: int, data: PetitionerInput) -> PetitionerInput:
    prefix = f"petitioners.{index}"
    name = (data.full_name or "").strip()
    if not name:
        raise ServiceError(_("Enter the petitioner's full name."), field=f"{prefix}.full_name")
    citizen_id = (data.citizen_id or "").strip().replace(" ", "")
    if citizen_id and not CITIZEN_ID_RE.match(citizen_id):
        raise ServiceError(
            _("A citizen ID number (CCCD) has exactly 12 digits."),
            field=f"{prefix}.citizen_id",
        )
    phone = normalise_phone(data.phone)
    if data.phone and not PHONE_RE.match(phone):
        raise ServiceError(_("Enter a valid Vietnamese phone number."), field=f"{prefix}.phone")
    return PetitionerInput(
        full_name=" ".join(name.split()),
        citizen_id=citizen_id,
        phone=(data.phone or "").strip(),
        address=(data.address or "").strip(),
    )


def petitioner_recognise(data: PetitionerInput) -> Petitioner:
    """The known person with this CCCD, or this name and phone; a new one otherwise."""
    person: Petitioner | None = None
    if data.citizen_id:
        person = Petitioner.objects.filter(citizen_id_hash=citizen_id_hash(data.citizen_id)).first()
    elif normalise_phone(data.phone):
        person = (
            Petitioner.objects.filter(
                name_hash=name_hash(data.full_name), phone_hash=phone_hash(data.phone)
            )
            .order_by("id")
            .first()
        )
    if person is not None:
        changed = []
        for attr in ("phone", "address"):
            if getattr(data, attr) and not getattr(person, attr):
                setattr(person, attr, getattr(data, attr))
                changed.append(attr)
        if changed:
            person.save(update_fields=changed)
        return person
    try:
        with transaction.atomic():
            return Petitioner.objects.create(
                full_name=data.full_name,
                citizen_id=data.citizen_id,
                phone=data.phone,
                address=data.address,
            )
    except IntegrityError:  # the same CCCD registered by a concurrent intake
        return Petitioner.objects.get(citizen_id_hash=citizen_id_hash(data.citizen_id))


def build_search_text(petition: Petition, names: Sequence[str], respondents: Sequence[str]) -> str:
    """Folded text searched by selectors.petitions_search; no denouncer's name ever goes in."""
    parts = [petition.code, petition.summary, petition.content, petition.address, *respondents]
    if not petition.identity_protected and not petition.is_anonymous:
        parts.extend(names)
    return fold(" ".join(p for p in parts if p))


def _refresh_search_text(petition: Petition) -> None:
    names = list(
        PetitionPetitioner.objects.filter(petition=petition).values_list(
            "petitioner__full_name", flat=True
        )
    )
    respondents = list(petition.respondents.values_list("name", flat=True))
    petition.search_text = build_search_text(petition, names, respondents)


# A collective petition of a whole district is still far below this; the column holds 2**31-1.
MAX_HEAD_COUNT = 1_000_000


def _check_head_count(head_count: int) -> None:
    if head_count > MAX_HEAD_COUNT:
        raise ServiceError(
            _("The number of petitioners is at most %(max)d.") % {"max": MAX_HEAD_COUNT},
            field="head_count",
        )


def _check_coordinates(latitude: Decimal | None, longitude: Decimal | None) -> None:
    if (latitude is None) != (longitude is None):
        raise ServiceError(_("Give both latitude and longitude, or neither."), field="latitude")
    if latitude is not None and not (-90 <= latitude <= 90):
        raise ServiceError(_("Latitude must be between -90 and 90."), field="latitude")
    if longitude is not None and not (-180 <= longitude <= 180):
        raise ServiceError(_("Longitude must be between -180 and 180."), field="longitude")


def _resolve_field(value: PetitionField | int | None) -> PetitionField | None:
    if value is None or value == "":
        return None
    if isinstance(value, PetitionField):
        return value
    try:
        found = PetitionField.objects.filter(pk=int(value), is_active=True).first()
    except (TypeError, ValueError):
        found = None
    if found is None:
        raise ServiceError(_("Unknown petition field."), field="field")
    return found


def petition_create(
    *,
    actor: User,
    data: PetitionData,
    client_id: uuid.UUID | None = None,
    today: date | None = None,
) -> tuple[Petition, bool]:
    """
    Record a received petition. With a `client_id` already used, return that petition and
    False (a retried request never creates a second one).
    """
    if client_id is not None:
        existing = _existing_for_client(actor, client_id)
        if existing is not None:
            return existing, False
    try:
        return _petition_create(actor=actor, data=data, client_id=client_id, today=today), True
    except IntegrityError:
        if client_id is not None:
            existing = _existing_for_client(actor, client_id)
            if existing is not None:
                return existing, False
        raise


def _existing_for_client(actor: Any, client_id: uuid.UUID) -> Petition | None:
    existing = (
        Petition.objects.filter(client_id=client_id)
        .select_related("receiving_unit", "handling_unit")
        .first()
    )
    if existing is None:
        return None
    if existing.created_by_id != getattr(actor, "pk", None) and not (
        _in_scope(actor, existing.receiving_unit) or _in_scope(actor, existing.handling_unit)
    ):
        raise Conflict(
            _("This client id was already used for another petition."),
            field="client_id",
            code="client_id_taken",
        )
    return existing


@transaction.atomic
def _petition_create(
    *, actor: User, data: PetitionData, client_id: uuid.UUID | None, today: date | None
) -> Petition:
    _require_anywhere(actor, actions.INTAKE)
    today = today or today_local()
    session: ReceptionSession | None = None
    if data.reception_session is not None:
        session = _session_in_scope(actor, data.reception_session)
    receiving = _unit_in_scope(
        actor, data.receiving_unit or (session.unit if session else None), "receiving_unit"
    )
    require(actor, actions.INTAKE, receiving)
    handling = (
        _unit_in_scope(actor, data.handling_unit, "handling_unit")
        if data.handling_unit
        else receiving
    )
    location = _unit_in_scope(actor, data.location_unit, "location_unit")
    if data.received_on > today:
        raise ServiceError(_("The received date cannot be in the future."), field="received_on")
    if data.kind not in PetitionKind.values:
        raise ServiceError(_("Unknown kind of petition."), field="kind")
    if data.channel not in Channel.values:
        raise ServiceError(_("Unknown channel."), field="channel")
    if data.complexity not in Complexity.values:
        raise ServiceError(_("Unknown complexity."), field="complexity")
    summary = (data.summary or "").strip()
    if not summary:
        raise ServiceError(_("Enter a short summary of the petition."), field="summary")
    if not data.is_eligible and not data.ineligibility_reason.strip():
        raise ServiceError(_("Say why the petition is not eligible."), field="ineligibility_reason")
    if data.head_count < 1:
        raise ServiceError(_("The number of petitioners is at least 1."), field="head_count")
    _check_head_count(data.head_count)
    if data.is_collective and data.head_count < 2:
        raise ServiceError(
            _("A collective petition has at least 2 petitioners."), field="head_count"
        )
    _check_coordinates(data.latitude, data.longitude)
    petitioners = [_validate_petitioner(i, p) for i, p in enumerate(data.petitioners)]
    if data.is_anonymous and petitioners:
        raise ServiceError(
            _("An anonymous petition has no petitioner details."), field="petitioners"
        )
    if not data.is_anonymous and not petitioners:
        raise ServiceError(
            _("Enter at least one petitioner, or mark the petition anonymous."),
            field="petitioners",
        )
    for i, respondent in enumerate(data.respondents):
        if not respondent.name.strip():
            raise ServiceError(_("Enter a name."), field=f"respondents.{i}.name")
        if respondent.kind not in RespondentKind.values:
            raise ServiceError(_("Unknown kind."), field=f"respondents.{i}.kind")

    petition = Petition(
        client_id=client_id or uuid.uuid4(),
        code=_allocate_code(receiving, data.received_on.year),
        received_on=data.received_on,
        channel=Channel.RECEPTION if session else data.channel,
        kind=data.kind,
        field=_resolve_field(data.field),
        summary=summary,
        content=data.content.strip(),
        location_unit=location,
        address=data.address.strip(),
        latitude=data.latitude,
        longitude=data.longitude,
        is_eligible=data.is_eligible,
        ineligibility_reason=data.ineligibility_reason.strip(),
        is_anonymous=data.is_anonymous,
        is_collective=data.is_collective,
        head_count=data.head_count,
        is_remote_area=data.is_remote_area,
        several_places=data.several_places,
        complexity=data.complexity,
        receiving_unit=receiving,
        handling_unit=handling,
        reception_session=session,
        status=Status.RECEIVED,
        created_by=actor,
    )
    petition.save()
    for position, person in enumerate(petitioners):
        PetitionPetitioner.objects.get_or_create(
            petition=petition,
            petitioner=petitioner_recognise(person),
            defaults={"position": position},
        )
    Respondent.objects.bulk_create(
        [
            Respondent(petition=petition, kind=r.kind, name=r.name.strip(), position=r.position)
            for r in data.respondents
        ]
    )
    _start_clock(petition, intake_stage(petition), petition.received_on)
    petition.search_text = build_search_text(
        petition, [p.full_name for p in petitioners], [r.name for r in data.respondents]
    )
    petition.save(update_fields=[*CLOCK_FIELDS, "search_text"])
    _event(
        petition,
        actor=actor,
        action=EventAction.CREATED,
        to_status=Status.RECEIVED,
        data={"code": petition.code, "kind": petition.kind, "channel": petition.channel},
    )
    return petition


UPDATABLE_FIELDS = (
    "summary",
    "content",
    "field",
    "address",
    "latitude",
    "longitude",
    "is_eligible",
    "ineligibility_reason",
    "is_collective",
    "head_count",
    "is_remote_area",
    "several_places",
    "complexity",
    "channel",
)


@transaction.atomic
def petition_update(
    *, actor: User, petition: Petition, changes: dict[str, Any], expected_version: int | None = None
) -> Petition:
    """Correct the recorded details (not the status); clocks follow complexity and remoteness."""
    petition = _lock(petition)
    check_version(petition, expected_version)
    require_editor(actor, petition)
    _require_status(petition, "update")
    unknown = set(changes) - set(UPDATABLE_FIELDS)
    if unknown:
        raise ServiceError(_("This field cannot be changed here."), field=sorted(unknown)[0])
    changed: dict[str, Any] = {}
    for name, value in changes.items():
        if name == "field":
            value = _resolve_field(value)
        if name in ("summary",) and not (value or "").strip():
            raise ServiceError(_("Enter a short summary of the petition."), field="summary")
        if name == "complexity" and value not in Complexity.values:
            raise ServiceError(_("Unknown complexity."), field="complexity")
        if name == "channel" and value not in Channel.values:
            raise ServiceError(_("Unknown channel."), field="channel")
        if getattr(petition, name) != value:
            changed[name] = value
            setattr(petition, name, value)
    _check_coordinates(petition.latitude, petition.longitude)
    if not petition.is_eligible and not petition.ineligibility_reason.strip():
        raise ServiceError(_("Say why the petition is not eligible."), field="ineligibility_reason")
    if petition.head_count < 1:
        raise ServiceError(_("The number of petitioners is at least 1."), field="head_count")
    _check_head_count(petition.head_count)
    if petition.is_collective and petition.head_count < 2:
        raise ServiceError(
            _("A collective petition has at least 2 petitioners."), field="head_count"
        )
    if not changed:
        return petition
    _refresh_search_text(petition)
    if petition.status == Status.RECEIVED:
        petition.clock_stage = intake_stage(petition)
    elif petition.status in (Status.ACCEPTED, Status.UNDER_RESOLUTION):
        petition.clock_stage = resolution_stage(petition)
    if petition.status != Status.SUSPENDED:
        petition.due_date = compute_due_date(petition)
    _save(petition, *changed, "search_text", *CLOCK_FIELDS)
    _event(
        petition,
        actor=actor,
        action=EventAction.UPDATED,
        data={"fields": sorted(changed)},
    )
    return petition


# --- Reception sessions -------------------------------------------------------------------
def _session_in_scope(actor: Any, value: ReceptionSession | int) -> ReceptionSession:
    session = (
        value
        if isinstance(value, ReceptionSession)
        else ReceptionSession.objects.select_related("unit").filter(pk=value).first()
    )
    if session is None or not _in_scope(actor, session.unit):
        raise ServiceError(
            _("This reception session does not exist or is outside your units."),
            field="reception_session",
        )
    return session


@transaction.atomic
def reception_session_create(
    *,
    actor: User,
    unit: Unit | int,
    held_on: date,
    leader_name: str,
    citizens_count: int,
    notes: str = "",
    today: date | None = None,
) -> ReceptionSession:
    _require_anywhere(actor, actions.RECORD_SESSION)
    found = _unit_in_scope(actor, unit, "unit")
    require(actor, actions.RECORD_SESSION, found)
    if held_on > (today or today_local()):
        raise ServiceError(_("The session date cannot be in the future."), field="held_on")
    if not leader_name.strip():
        raise ServiceError(_("Enter the receiving leader's name."), field="leader_name")
    if citizens_count < 0:
        raise ServiceError(_("Enter a number of 0 or more."), field="citizens_count")
    return ReceptionSession.objects.create(
        unit=found,
        held_on=held_on,
        leader_name=leader_name.strip(),
        citizens_count=citizens_count,
        notes=notes,
        created_by=actor,
    )


# --- Processing outcomes ----------------------------------------------------------------------
def _transition(
    petition: Petition, *, actor: User, action: str, expected_version: int | None
) -> Petition:
    petition = _lock(petition)
    check_version(petition, expected_version)
    _require_handler(actor, petition)
    _require_status(petition, action)
    return petition


@transaction.atomic
def petition_accept(
    *,
    actor: User,
    petition: Petition,
    reason: str,
    accepted_on: date | None = None,
    today: date | None = None,
    expected_version: int | None = None,
) -> Petition:
    """Thụ lý: the resolution clock starts from the acceptance date."""
    petition = _transition(
        petition, actor=actor, action="accept", expected_version=expected_version
    )
    reason = _require_reason(reason)
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


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value else None


def _finish(
    petition: Petition,
    *,
    actor: User,
    action: str,
    event: str,
    to_status: str,
    reason: str,
    data: dict[str, Any] | None = None,
    on: date | None = None,
) -> Petition:
    before = petition.status
    _finish_clock(petition, on or today_local())
    petition.status = to_status
    _save(petition, "status", *FINISH_FIELDS)
    _event(
        petition,
        actor=actor,
        action=event,
        reason=reason,
        from_status=before,
        to_status=to_status,
        data=data,
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
    reason = _require_reason(reason)
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
        reason=_require_reason(reason),
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
    reason = _require_reason(reason)
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
    reason: str,
    due_on: date | None = None,
    today: date | None = None,
    expected_version: int | None = None,
) -> Petition:
    """Chuyển đơn: the receiving unit becomes the handler and must report back by `due_on`."""
    petition = _transition(
        petition, actor=actor, action="transfer", expected_version=expected_version
    )
    reason = _require_reason(reason)
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
    *, actor: User, petition: Petition, reason: str, expected_version: int | None = None
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
        reason=_require_reason(reason),
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
    *, actor: User, petition: Petition, reason: str, expected_version: int | None = None
) -> Petition:
    petition = _transition(petition, actor=actor, action="close", expected_version=expected_version)
    before = petition.status
    petition.status = Status.CLOSED
    _save(petition, "status")
    _event(
        petition,
        actor=actor,
        action=EventAction.CLOSED,
        reason=_require_reason(reason),
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
    reason = _require_reason(reason)
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
    reason = _require_reason(reason)
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
    reason: str,
    resumed_on: date | None = None,
    today: date | None = None,
    expected_version: int | None = None,
) -> Petition:
    """The clock runs again; the days it was stopped are added to the deadline."""
    petition = _transition(
        petition, actor=actor, action="resume", expected_version=expected_version
    )
    reason = _require_reason(reason)
    resumed_on = resumed_on or today or today_local()
    suspension = petition.suspensions.filter(ended_on__isnull=True).order_by("-id").first()
    if suspension is None:  # pragma: no cover - a suspended petition always has one
        raise Conflict(_("This petition is not suspended."), code="invalid_transition")
    if resumed_on <= suspension.started_on:
        raise ServiceError(_("Resumption must be after the suspension began."), field="resumed_on")
    # The paused period is the days from the suspension up to the day before resumption.
    from datetime import timedelta

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
    reason = _require_reason(reason)
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


# --- Assignment, links, attachments ----------------------------------------------------------
def assignable_users(petition: Petition) -> Any:
    """Active people of the handling unit or a unit above it."""
    return (
        User.objects.filter(
            is_active=True, memberships__unit__path__in=_ancestor_paths(petition.handling_unit)
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
        raise ServiceError(_("Choose a person of the handling unit."), field="assignee")
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


@transaction.atomic
def attachment_add(
    *,
    actor: User,
    petition: Petition,
    upload: UploadedFile,
    expected_version: int | None = None,
) -> Attachment:
    petition = _lock(petition)
    check_version(petition, expected_version)
    require_attacher(actor, petition)
    content_type = validate_upload(upload, field_name="file", label=_("file"))
    name = client_name(upload)
    attachment = Attachment(
        petition=petition,
        original_name=name,
        content_type=content_type,
        size=upload.size or 0,
        uploaded_by=actor,
    )
    attachment.file.save(renamed(upload, content_type).name or "", upload, save=False)
    attachment.save()
    _save(petition)
    _event(
        petition,
        actor=actor,
        action=EventAction.ATTACHED,
        data={"attachment": attachment.pk, "content_type": content_type, "size": attachment.size},
    )
    return attachment


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


@transaction.atomic
def petition_delete(*, actor: User, petition: Petition, reason: str) -> Petition:
    """Delete a petition recorded by mistake: a tombstone stays for sync clients."""
    petition = _lock(petition)
    require(actor, actions.DELETE, petition.receiving_unit)
    reason = _require_reason(reason)
    petition.deleted_at = timezone.now()
    _save(petition, "deleted_at")
    _event(petition, actor=actor, action=EventAction.DELETED, reason=reason)
    return petition
