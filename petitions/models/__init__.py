"""
Petitions (đơn thư): intake, parties, the handling workflow, the legal clocks, the audit trail.

Status and deadline fields are written only by `petitions.services`; nobody types a deadline.

The models by concept: choices, reference, petition, parties, handling, identity; every name is
re-exported here.
"""

from petitions.models.choices import (
    FINISHED_STATUSES,
    IDENTITY_PROTECTED_KINDS,
    OPEN_STATUSES,
    REDACTED,
    RUNNING_STATUSES,
    Channel,
    Complexity,
    DeadlineState,
    EventAction,
    Instance,
    LinkKind,
    PetitionKind,
    RespondentKind,
    Result,
    Stage,
    Status,
    citizen_id_hash,
    citizen_id_validator,
    name_hash,
    normalise_phone,
    phone_hash,
)
from petitions.models.handling import (
    Answer,
    Attachment,
    Extension,
    PetitionEvent,
    PetitionLink,
    Suspension,
    Transfer,
)
from petitions.models.identity import IdentityAccessLog, IdentityGrant
from petitions.models.notes import PetitionNote
from petitions.models.notices import Notice, NoticeKind, NoticePolicy, NoticeStatus
from petitions.models.parties import Petitioner, PetitionPetitioner, Respondent
from petitions.models.petition import Petition
from petitions.models.reference import (
    DeadlinePolicy,
    PetitionCodeCounter,
    PetitionField,
    ReceptionSession,
)

__all__ = [
    "FINISHED_STATUSES",
    "IDENTITY_PROTECTED_KINDS",
    "OPEN_STATUSES",
    "REDACTED",
    "RUNNING_STATUSES",
    "Answer",
    "Attachment",
    "Channel",
    "Complexity",
    "DeadlinePolicy",
    "DeadlineState",
    "EventAction",
    "Extension",
    "IdentityAccessLog",
    "IdentityGrant",
    "Instance",
    "LinkKind",
    "Notice",
    "NoticeKind",
    "NoticePolicy",
    "NoticeStatus",
    "Petition",
    "PetitionCodeCounter",
    "PetitionEvent",
    "PetitionField",
    "PetitionKind",
    "PetitionLink",
    "PetitionNote",
    "PetitionPetitioner",
    "Petitioner",
    "ReceptionSession",
    "Respondent",
    "RespondentKind",
    "Result",
    "Stage",
    "Status",
    "Suspension",
    "Transfer",
    "citizen_id_hash",
    "citizen_id_validator",
    "name_hash",
    "normalise_phone",
    "phone_hash",
]
