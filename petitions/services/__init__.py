"""
Every write to petitions: intake, the handling workflow, the clocks, identity access.

Each public function is keyword-only, atomic, takes `actor=` and writes a PetitionEvent in the
same transaction. A transition that the current status does not allow raises a Conflict (409)
with a message saying what is allowed; nothing is changed.

The services by concept: base, states, deadlines, deadline_steps, workflow, intake, links,
identity, attachments; every name is re-exported here.
"""

from danvan.core.errors import Conflict, ServiceError
from danvan.core.versions import PreconditionFailed
from danvan.org.permissions import Forbidden
from petitions.services.attachments import (
    attachment_add,
    attachment_receive,
    attachments_add,
    petition_create_with_files,
)
from petitions.services.base import (
    CITIZEN_ID_RE,
    PHONE_RE,
    REASON_REQUIRED,
    AnswerInput,
    PetitionData,
    PetitionerInput,
    RespondentInput,
    reason_required_message,
    require_attacher,
    require_editor,
    require_handler,
    require_identity_viewer,
    today_local,
)
from petitions.services.deadline_steps import petition_extend, petition_resume, petition_suspend
from petitions.services.deadlines import (
    CLOCK_FIELDS,
    FINISH_FIELDS,
    compute_due_date,
    deadline_recompute,
    deadlines_recompute_for_day,
    intake_stage,
    policy_for,
    resolution_stage,
)
from petitions.services.identity import (
    identity_grant_allowed,
    identity_grant_create,
    identity_grant_revoke,
    identity_reveal,
)
from petitions.services.intake import (
    MAX_HEAD_COUNT,
    UPDATABLE_FIELDS,
    build_search_text,
    petition_create,
    petition_delete,
    petition_receive_public,
    petition_update,
    petitioner_recognise,
    reception_session_create,
    recorded_detail,
)
from petitions.services.links import (
    dismissed_duplicates,
    petition_dismiss_duplicate,
    petition_link,
    petition_merge,
)
from petitions.services.notes import NOTE_MAX_LENGTH, petition_note_add, require_noter
from petitions.services.notices import (
    notice_draft,
    notice_issue,
    notice_update,
    notice_withdraw,
    require_notice_handler,
)
from petitions.services.states import (
    ACTION_NAMES,
    TRANSITIONS,
    Recommendation,
    allowed_actions,
    recommended_action,
)
from petitions.services.workflow import (
    actions_available_to,
    assignable_users,
    petition_accept,
    petition_assign,
    petition_close,
    petition_file,
    petition_guide,
    petition_reopen_second_complaint,
    petition_report_transfer,
    petition_resolve,
    petition_return_papers,
    petition_start_resolution,
    petition_transfer,
)

__all__ = [
    "ACTION_NAMES",
    "CITIZEN_ID_RE",
    "CLOCK_FIELDS",
    "FINISH_FIELDS",
    "MAX_HEAD_COUNT",
    "NOTE_MAX_LENGTH",
    "PHONE_RE",
    "REASON_REQUIRED",
    "TRANSITIONS",
    "UPDATABLE_FIELDS",
    "AnswerInput",
    "Conflict",
    "Forbidden",
    "PetitionData",
    "PetitionerInput",
    "PreconditionFailed",
    "Recommendation",
    "RespondentInput",
    "ServiceError",
    "actions_available_to",
    "allowed_actions",
    "assignable_users",
    "attachment_add",
    "attachment_receive",
    "attachments_add",
    "build_search_text",
    "compute_due_date",
    "deadline_recompute",
    "deadlines_recompute_for_day",
    "dismissed_duplicates",
    "identity_grant_allowed",
    "identity_grant_create",
    "identity_grant_revoke",
    "identity_reveal",
    "intake_stage",
    "notice_draft",
    "notice_issue",
    "notice_update",
    "notice_withdraw",
    "petition_accept",
    "petition_assign",
    "petition_close",
    "petition_create",
    "petition_create_with_files",
    "petition_delete",
    "petition_dismiss_duplicate",
    "petition_extend",
    "petition_file",
    "petition_guide",
    "petition_link",
    "petition_merge",
    "petition_note_add",
    "petition_receive_public",
    "petition_reopen_second_complaint",
    "petition_report_transfer",
    "petition_resolve",
    "petition_resume",
    "petition_return_papers",
    "petition_start_resolution",
    "petition_suspend",
    "petition_transfer",
    "petition_update",
    "petitioner_recognise",
    "policy_for",
    "reason_required_message",
    "reception_session_create",
    "recommended_action",
    "recorded_detail",
    "require_attacher",
    "require_editor",
    "require_handler",
    "require_identity_viewer",
    "require_noter",
    "require_notice_handler",
    "resolution_stage",
    "today_local",
]
