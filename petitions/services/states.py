"""
The petition's state machine: from which statuses each step may start, and the one transition
every step goes through.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.utils.translation import gettext as _

from danvan.core.errors import Conflict
from danvan.core.versions import check_version
from danvan.org.models import User
from petitions.models import (
    OPEN_STATUSES,
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
