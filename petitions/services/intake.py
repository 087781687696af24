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
from django.db import IntegrityError, connections, router, transaction
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
    """
    Next code for this unit and year; the counter row is locked until the commit. One
    statement: the year's first code inserts the counter, every later one raises it.
    """
    connection = connections[router.db_for_write(PetitionCodeCounter)]
    if connection.features.can_return_columns_from_insert:
        table = connection.ops.quote_name(PetitionCodeCounter._meta.db_table)
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {table} (unit_id, year, last_value) VALUES (%s, %s, 1) "  # noqa: S608  # nosec B608
                "ON CONFLICT (unit_id, year) "
                f"DO UPDATE SET last_value = {table}.last_value + 1 RETURNING last_value",
                [unit.pk, year],
            )
            value = cursor.fetchone()[0]
        return f"DT-{year}-{value:06d}"
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


def petitioner_recognise(data: PetitionerInput, *, careful: bool = True) -> Petitioner:
    """
    The known person with this CCCD, or this name and phone; a new one otherwise. Not
    `careful` (an optimistic intake): no savepoint around the insert, so the same CCCD
    registered by a concurrent intake raises IntegrityError for the caller to replay.
    """
    person: Petitioner | None = None
    connection = connections[router.db_for_write(Petitioner)]
    if data.citizen_id and connection.features.can_return_columns_from_insert:
        return _petitioner_by_citizen_id(data, connection)
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
    if not careful:
        return Petitioner.objects.create(
            full_name=data.full_name,
            citizen_id=data.citizen_id,
            phone=data.phone,
            address=data.address,
            email=data.email,
        )
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


# Given on recognition where the known person's is blank (the name never changes so).
_FILLED = ("phone", "address", "email")
_RETURNED = ("id", "full_name", "citizen_id", "phone", "address", "email", "sms_opt_out")


def _petitioner_by_citizen_id(data: PetitionerInput, connection: Any) -> Petitioner:
    """
    The person with this CCCD in one statement, race-free: inserted, or the known one with
    its blank phone, address and e-mail filled from `data` (an upsert on the CCCD's unique
    index), read back from the row.
    """
    person = Petitioner(
        full_name=data.full_name,
        citizen_id=data.citizen_id,
        phone=data.phone,
        address=data.address,
        email=data.email,
    )
    person.name_hash = name_hash(person.full_name)
    person.citizen_id_hash = citizen_id_hash(person.citizen_id)
    person.phone_hash = phone_hash(person.phone)
    meta = Petitioner._meta
    fields = [f for f in meta.concrete_fields if not f.primary_key]
    values = [f.get_db_prep_save(f.pre_save(person, add=True), connection) for f in fields]
    quote = connection.ops.quote_name
    table = quote(meta.db_table)
    fills = [*_FILLED, "phone_hash"]
    updates = ", ".join(
        f"{quote(name)} = CASE WHEN {table}.{quote(when)} = '' "
        f"THEN excluded.{quote(name)} ELSE {table}.{quote(name)} END"
        for name, when in ((name, "phone" if name == "phone_hash" else name) for name in fills)
    )
    sql = (
        f"INSERT INTO {table} ({', '.join(quote(f.column) for f in fields)}) "  # noqa: S608  # nosec B608
        f"VALUES ({', '.join(['%s'] * len(fields))}) "
        # The unique index's own condition, as its migration wrote it (SQLite matches it
        # word for word).
        f"ON CONFLICT ({quote('citizen_id_hash')}) WHERE NOT ({quote('citizen_id_hash')} = '') "
        f"DO UPDATE SET {updates} RETURNING {', '.join(quote(name) for name in _RETURNED)}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, values)
        row = cursor.fetchone()
    found = dict(zip(_RETURNED, row, strict=True))
    for name in _RETURNED[1:6]:
        found[name] = meta.get_field(name).from_db_value(found[name], None, connection)  # type: ignore[union-attr]
    found["sms_opt_out"] = bool(found["sms_opt_out"])
    known = Petitioner.from_db(connection.alias, list(_RETURNED), list(found.values()))
    known.name_hash = name_hash(known.full_name)
    known.citizen_id_hash = person.citizen_id_hash
    known.phone_hash = phone_hash(known.phone)
    return known


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
        found = (
            PetitionField.objects.filter(pk=int(value), is_active=True)
            .select_related("parent")  # its name shows the parent's
            .first()
        )
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
    optimistic: bool = False,
) -> tuple[Petition, bool]:
    """
    Record a received petition. With a `client_id` already used, return that petition and
    False (a retried request never creates a second one). The duplicates the intake form
    showed are settled in the same transaction: linked as a repeat of `duplicate_of`, and
    `dismissed` remembered, so the petition's own page does not suggest them again.

    A petition created here can answer its detail from memory (`recorded_detail`).

    `optimistic=True` is for a caller whose transaction holds nothing but this create and
    that has claimed `client_id` itself (the API: danvan.core.idempotency): no look-up of
    the client id first, no savepoints. The rare race it leaves (the client id held by
    another person's petition, a CCCD registered by a concurrent intake) raises IntegrityError;
    the caller's transaction is then rolled back whole and the caller asks again without it.
    """
    if optimistic:
        with transaction.atomic(savepoint=False):
            petition = _petition_create(
                actor=actor, data=data, client_id=client_id, today=today, careful=False
            )
            links = _settle_duplicates(actor, petition, duplicate_of, dismissed)
        return _whole(petition, links), True
    if client_id is not None:
        existing = _existing_for_client(actor, client_id)
        if existing is not None:
            return existing, False
    try:
        with transaction.atomic():
            petition = _petition_create(actor=actor, data=data, client_id=client_id, today=today)
            links = _settle_duplicates(actor, petition, duplicate_of, dismissed)
        return _whole(petition, links), True
    except IntegrityError:
        if client_id is not None:
            existing = _existing_for_client(actor, client_id)
            if existing is not None:
                return existing, False
        raise


# What a petition just recorded cannot have yet: its detail shows these empty.
_EMPTY_AT_INTAKE = ("attachments", "answers", "suspensions", "extensions", "transfers")
_RECORDED = "_danvan_recorded"


def _whole(petition: Petition, links: Sequence[Any]) -> Petition:
    """Remember what the create wrote beside the petition (for `recorded_detail`)."""
    recorded = getattr(petition, _RECORDED, None)
    if recorded is not None:
        recorded["links"] = list(links)
    return petition


def recorded_detail(petition: Petition) -> Petition | None:
    """
    The petition petition_create has just recorded, holding everything its detail shows (the
    rows it wrote as its relations, the empty ones known empty): its 201 needs no second
    read. None for any other petition (a retry's, one read from the database).
    """
    recorded = getattr(petition, _RECORDED, None)
    if recorded is None or "links" not in recorded:
        return None
    cache: dict[str, Any] = {}
    petition._prefetched_objects_cache = cache  # type: ignore[attr-defined]
    for name in ("parties", "respondents", "links", *_EMPTY_AT_INTAKE):
        queryset = getattr(petition, name).get_queryset()  # lazy: no query
        queryset._result_cache = list(recorded.get(name, []))
        queryset._prefetch_done = True
        cache[name] = queryset
    return petition


def _settle_duplicates(
    actor: User,
    petition: Petition,
    duplicate_of: Petition | int | None,
    dismissed: Sequence[Petition | int],
) -> list[Any]:
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

    links: list[Any] = []
    if duplicate_of is None and not dismissed:
        return links
    target = None
    if duplicate_of is not None:
        target = matchable(duplicate_of)
        if target is None:
            raise ServiceError(
                _("This petition does not exist or is outside your units."), field="duplicate_of"
            )
        links.append(_link(petition, target=target, kind=LinkKind.DUPLICATE_OF, actor=actor))
    for value in dismissed:
        candidate = matchable(value)
        if candidate is not None and candidate != target:
            _dismiss(petition, candidate=candidate, actor=actor)
    return links


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


def _petition_create(
    *,
    actor: User,
    data: PetitionData,
    client_id: uuid.UUID | None,
    today: date | None,
    careful: bool = True,
) -> Petition:
    """In the caller's transaction."""
    _require_anywhere(actor, actions.INTAKE)
    session: ReceptionSession | None = None
    if data.reception_session is not None:
        session = _session_in_scope(actor, data.reception_session)
    receiving_value = data.receiving_unit or (session.unit if session else None)
    # The three units in one read, then checked in the order the form shows them.
    found = _units_by_id(receiving_value, data.handling_unit, data.location_unit)

    def in_scope(value: Any, field_name: str) -> Unit:
        unit = found.get(value, value) if value in found else value
        if unit is None and value is not None:
            raise ServiceError(
                _("This unit does not exist or is outside your units."), field=field_name
            )
        return _unit_in_scope(actor, unit, field_name)

    receiving = in_scope(receiving_value, "receiving_unit")
    require(actor, actions.INTAKE, receiving)
    handling = in_scope(data.handling_unit, "handling_unit") if data.handling_unit else receiving
    location = in_scope(data.location_unit, "location_unit")
    return _record(
        actor=actor,
        data=data,
        units=(receiving, handling, location),
        session=session,
        client_id=client_id,
        today=today,
        careful=careful,
    )


def _units_by_id(*values: Any) -> dict[Any, Unit | None]:
    """
    The active units of the values given as ids, read at once: {value: unit, or None when
    there is none}. Units given as objects, and values that are no id, are left out
    (`_unit_in_scope` deals with them).
    """
    ids: dict[Any, int] = {}
    for value in values:
        if value is None or value == "" or isinstance(value, (Unit, bool)):
            continue
        try:
            ids[value] = int(value)
        except (TypeError, ValueError):
            continue
    if not ids:
        return {}
    units = {u.pk: u for u in Unit.objects.filter(pk__in=set(ids.values()), is_active=True)}
    return {value: units.get(pk) for value, pk in ids.items()}


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
    careful: bool = True,
) -> Petition:
    """
    Check the petition's own data and record it: code, clock, search text, first event. The
    row is inserted once, complete; the petition comes back holding what its detail shows.
    """
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
    # A new petition has no extension, suspension or transfer: its clock needs its policy only.
    _start_clock(petition, intake_stage(petition), petition.received_on, new=True)
    petition.search_text = build_search_text(
        petition, [p.full_name for p in petitioners], [r.name for r in data.respondents]
    )
    people = [petitioner_recognise(person, careful=careful) for person in petitioners]
    petition.save(force_insert=True)
    parties: list[PetitionPetitioner] = []
    for position, person in enumerate(people):
        if all(party.petitioner_id != person.pk for party in parties):  # named twice: once
            parties.append(
                PetitionPetitioner(petition=petition, petitioner=person, position=position)
            )
    PetitionPetitioner.objects.bulk_create(parties)
    respondents = Respondent.objects.bulk_create(
        [
            Respondent(petition=petition, kind=r.kind, name=r.name.strip(), position=r.position)
            for r in data.respondents
        ]
    )
    setattr(petition, _RECORDED, {"parties": parties, "respondents": respondents})
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
