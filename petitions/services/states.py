"""
The petition's state machine: from which statuses each step may start, and the one transition
every step goes through.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from danvan.core.errors import Conflict
from danvan.core.versions import check_version
from danvan.org.models import User
from petitions.models import (
    OPEN_STATUSES,
    RUNNING_STATUSES,
    Petition,
    Status,
)
from petitions.services.base import _event, _lock, _require_handler, _save, today_local
from petitions.services.deadlines import FINISH_FIELDS, _finish_clock


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


# --- Processing outcomes ----------------------------------------------------------------------
def _transition(
    petition: Petition, *, actor: User, action: str, expected_version: int | None
) -> Petition:
    petition = _lock(petition)
    check_version(petition, expected_version)
    _require_handler(actor, petition)
    _require_status(petition, action)
    return petition


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


# --- What to do next ----------------------------------------------------------------------------
# Per status, the steps a handler normally takes next, best first, and why (one line). The
# first of them the person may take now is the recommended one; the others stay secondary.
NEXT_STEPS: dict[str, tuple[tuple[str, ...], Any]] = {
    Status.RECEIVED: (
        ("accept", "transfer", "guide"),
        gettext_lazy("Received: classify it and decide whether to accept it (thụ lý)."),
    ),
    Status.TRANSFERRED: (
        ("accept", "report_transfer"),
        gettext_lazy("Transferred here: accept it (thụ lý) or report back to the sender."),
    ),
    Status.ACCEPTED: (
        ("start_resolution", "resolve"),
        gettext_lazy("Accepted: verify the facts and start resolving it."),
    ),
    Status.UNDER_RESOLUTION: (
        ("resolve",),
        gettext_lazy("Being resolved: record the result and the answer document."),
    ),
    Status.SUSPENDED: (
        ("resume",),
        gettext_lazy("Suspended: resume it once the ground for the suspension has ended."),
    ),
    Status.RESOLVED: (
        ("close",),
        gettext_lazy("Resolved: close the file once the answer has reached the citizen."),
    ),
    Status.GUIDED: (("close",), gettext_lazy("The petitioner was guided: close the file.")),
    Status.PAPERS_RETURNED: (
        ("close",),
        gettext_lazy("The papers were returned: close the file."),
    ),
    Status.FILED: (("close",), gettext_lazy("Filed without action: close the file.")),
}


@dataclass(frozen=True)
class Recommendation:
    action: str
    why: str


def recommended_action(petition: Petition, available: Iterable[str]) -> Recommendation | None:
    """The one step to offer first among `available` (the person's steps now), and why."""
    entry = NEXT_STEPS.get(petition.status)
    if entry is None:
        return None
    steps, why = entry
    now = set(available)
    for action in steps:
        if action in now:
            text = str(why)
            if petition.due_date and petition.status in RUNNING_STATUSES:
                text = _("%(why)s Deadline: %(due)s.") % {
                    "why": text,
                    "due": petition.due_date.strftime("%d/%m/%Y"),
                }
            return Recommendation(action=action, why=text)
    return None
