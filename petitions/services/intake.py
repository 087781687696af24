"""
Recording a petition: petitioners recognised by their keyed hashes, codes per unit and year,
idempotent create, corrections, reception sessions and deletion.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from danvan.core.errors import Conflict, ServiceError
from danvan.core.text import fold
from danvan.core.versions import check_version
from danvan.org.models import Unit, User
from danvan.org.permissions import require
from petitions import roles as actions
from petitions.models import (
    Channel,
    Complexity,
    EventAction,
    LinkKind,
    Petition,
    PetitionCodeCounter,
    Petitioner,
    PetitionField,
    PetitionKind,
    PetitionPetitioner,
    ReceptionSession,
    Respondent,
    RespondentKind,
    Status,
    citizen_id_hash,
    name_hash,
    normalise_phone,
    phone_hash,
)
from petitions.services.base import (
    CITIZEN_ID_RE,
    PHONE_RE,
    PetitionData,
    PetitionerInput,
    _event,
    _in_scope,
    _lock,
    _require_anywhere,
    _require_reason,
    _save,
    _unit_in_scope,
    require_editor,
    today_local,
)
from petitions.services.deadlines import (
    CLOCK_FIELDS,
    _start_clock,
    compute_due_date,
    intake_stage,
    resolution_stage,
)
from petitions.services.states import _require_status


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
    email = (data.email or "").strip()
    if email:
        try:
            validate_email(email)
        except ValidationError:
            raise ServiceError(
                _("Enter a valid e-mail address."), field=f"{prefix}.email"
            ) from None
    return PetitionerInput(
        full_name=" ".join(name.split()),
        citizen_id=citizen_id,
        phone=(data.phone or "").strip(),
        address=(data.address or "").strip(),
        email=email,
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
        for attr in ("phone", "address", "email"):
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
                email=data.email,
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
    duplicate_of: Petition | int | None = None,
    dismissed: Sequence[Petition | int] = (),
) -> tuple[Petition, bool]:
    """
    Record a received petition. With a `client_id` already used, return that petition and
    False (a retried request never creates a second one). The duplicates the intake form
    showed are settled in the same transaction: linked as a repeat of `duplicate_of`, and
    `dismissed` remembered, so the petition's own page does not suggest them again.
    """
    if client_id is not None:
        existing = _existing_for_client(actor, client_id)
        if existing is not None:
            return existing, False
    try:
        with transaction.atomic():
            petition = _petition_create(actor=actor, data=data, client_id=client_id, today=today)
            if duplicate_of is not None or dismissed:
                _settle_duplicates(actor, petition, duplicate_of, dismissed)
        return petition, True
    except IntegrityError:
        if client_id is not None:
            existing = _existing_for_client(actor, client_id)
            if existing is not None:
                return existing, False
        raise


def _settle_duplicates(
    actor: User,
    petition: Petition,
    duplicate_of: Petition | int | None,
    dismissed: Sequence[Petition | int],
) -> None:
    """
    The intake's answer to its duplicate suggestions, by the person recording it (the link is
    part of recording, so a commune cadre may make it). Only petitions the actor may be shown
    as a match: visible, and a denunciation only under a covering identity grant.
    """
    from petitions.selectors import identity_matchable_q, petitions_visible_to
    from petitions.services.links import _dismiss, _link

    def matchable(value: Petition | int) -> Petition | None:
        try:
            pk = int(value.pk if isinstance(value, Petition) else value)
        except (TypeError, ValueError):
            return None
        return (
            petitions_visible_to(actor)
            .filter(identity_matchable_q(actor), pk=pk)
            .exclude(pk=petition.pk)
            .first()
        )

    target = None
    if duplicate_of is not None:
        target = matchable(duplicate_of)
        if target is None:
            raise ServiceError(
                _("This petition does not exist or is outside your units."), field="duplicate_of"
            )
        _link(petition, target=target, kind=LinkKind.DUPLICATE_OF, actor=actor)
    for value in dismissed:
        candidate = matchable(value)
        if candidate is not None and candidate != target:
            _dismiss(petition, candidate=candidate, actor=actor)


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
    return _record(
        actor=actor,
        data=data,
        units=(receiving, handling, location),
        session=session,
        client_id=client_id,
        today=today,
    )


@transaction.atomic
def petition_receive_public(
    *, unit: Unit, data: PetitionData, today: date | None = None
) -> Petition:
    """
    A petition a citizen filed themselves through a public app (Open311): received, handled and
    located at `unit` (a commune), recorded by nobody. The caller decides which kinds and
    channels the public may file; every other check is intake's own.
    """
    return _record(
        actor=None,
        data=data,
        units=(unit, unit, unit),
        session=None,
        client_id=None,
        today=today,
    )


def _record(
    *,
    actor: User | None,
    data: PetitionData,
    units: tuple[Unit, Unit, Unit],
    session: ReceptionSession | None,
    client_id: uuid.UUID | None,
    today: date | None,
) -> Petition:
    """Check the petition's own data and record it: code, clock, search text, first event."""
    receiving, handling, location = units
    today = today or today_local()
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
