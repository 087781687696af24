"""
The citizen's status look-up: a petition found by its code and the last 4 digits of a phone
its petitioner gave, answered with its public facts only (no names, no content).
"""

from __future__ import annotations

import hmac
import re
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from citizen.lookup.texts import CITIZEN_STATUS
from danvan.core.crypto import decrypt, encrypt
from petitions.models import (
    FINISHED_STATUSES,
    RUNNING_STATUSES,
    PetitionKind,
    PetitionPetitioner,
    Result,
    Stage,
    Status,
    normalise_phone,
)

CODE_MAX_LENGTH = 30
# A code as printed on the receipt (petitions.services.intake._allocate_code): DT-2026-000123.
# Typed without the prefix, the dashes or the leading zeros, it is still that code.
_CODE = re.compile(r"(?:DT)?[-\s]*(\d{4})[-\s]*(\d{1,6})")


def normalise_code(code: str) -> str:
    """The code as stored: stripped, upper-case, with the "DT-" prefix and six digits."""
    code = (code or "").strip().upper()
    match = _CODE.fullmatch(code)
    if match:
        return f"DT-{match.group(1)}-{int(match.group(2)):06d}"
    return code


@dataclass(frozen=True)
class PetitionStatusAnswer:
    """What a citizen may learn of a petition: nothing that names or describes a person."""

    code: str
    receiving_unit: str
    kind: str
    kind_display: str
    status: str
    status_display: str
    received_on: date
    accepted_on: date | None
    due_date: date | None
    clock_stage: str  # "" when no clock runs
    clock_stage_display: str
    result: str  # "" until resolved
    result_display: str
    finished_on: date | None


@lru_cache(maxsize=1)
def _dummy_phone() -> str:
    """An encrypted phone to decrypt when no petition has the code, so both cases cost alike."""
    return encrypt("0000000000")


def _last4_matches(stored_phone: str, digits: str) -> bool:
    phone = normalise_phone(decrypt(stored_phone)) if stored_phone else ""
    tail = phone[-4:] if len(phone) >= 4 else "----"
    return hmac.compare_digest(tail.encode(), digits.encode())


def _answer(party: PetitionPetitioner) -> PetitionStatusAnswer:
    petition = party.petition
    running = petition.status in RUNNING_STATUSES
    finished = petition.status in FINISHED_STATUSES
    stage = petition.clock_stage if running else ""
    result = petition.result if finished else ""
    return PetitionStatusAnswer(
        code=petition.code,
        receiving_unit=petition.receiving_unit.name,
        kind=petition.kind,
        kind_display=str(PetitionKind(petition.kind).label),
        status=petition.status,
        status_display=str(CITIZEN_STATUS[Status(petition.status)]),
        received_on=petition.received_on,
        accepted_on=petition.accepted_on,
        due_date=petition.due_date if running else None,
        clock_stage=stage,
        clock_stage_display=str(Stage(stage).label) if stage else "",
        result=result,
        result_display=str(Result(result).label) if result else "",
        finished_on=petition.finished_on if finished else None,
    )


def petition_status_lookup(*, code: str, phone_last4: str) -> list[PetitionStatusAnswer]:
    """
    The petitions with this code (in any unit: codes are unique per receiving unit only) whose
    petitioner gave a phone ending with these 4 digits; [] for every other case alike: no such
    code, other digits, an anonymous or a deleted petition. One query.
    """
    parties = list(
        PetitionPetitioner.objects.filter(
            petition__code=normalise_code(code),
            petition__deleted_at__isnull=True,
            petition__is_anonymous=False,
        )
        .exclude(petitioner__phone_hash="")  # no phone given: nothing to match
        .select_related("petition__receiving_unit", "petitioner")
        .only(
            "petition",
            "petitioner",
            "petition__receiving_unit",
            "petition__code",
            "petition__kind",
            "petition__status",
            "petition__received_on",
            "petition__accepted_on",
            "petition__due_date",
            "petition__clock_stage",
            "petition__result",
            "petition__finished_on",
            "petition__receiving_unit__name",
            "petitioner__phone",
        )
        .order_by("-petition__received_on", "petition_id", "position", "id")
    )
    if not parties:
        _last4_matches(_dummy_phone(), phone_last4)
    answers: dict[int, PetitionStatusAnswer] = {}
    for party in parties:
        # Every phone is decrypted and compared, even after a match: the same work each time.
        if _last4_matches(party.petitioner.phone, phone_last4):
            answers.setdefault(party.petition_id, _answer(party))
    return list(answers.values())
