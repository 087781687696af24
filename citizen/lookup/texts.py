"""The look-up's words for a citizen: statuses said plainly, and the one answer for a miss."""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from petitions.models import Status

# What a petitioner reads of each status: what happened and what comes next, without the
# office's shorthand.
CITIZEN_STATUS: dict[Status, Promise] = {
    Status.RECEIVED: _("Received: the office is examining your petition."),
    Status.TRANSFERRED: _("Transferred to the body competent to resolve it."),
    Status.ACCEPTED: _("Accepted for resolution."),
    Status.UNDER_RESOLUTION: _("Being resolved."),
    Status.SUSPENDED: _(
        "Resolution suspended; the deadline runs again when the resolution resumes."
    ),
    Status.RESOLVED: _("Resolved."),
    Status.GUIDED: _("Finished: you were guided to the body competent to resolve it."),
    Status.PAPERS_RETURNED: _("Finished: your papers were returned to you."),
    Status.FILED: _("Finished: filed without further action."),
    Status.CLOSED: _("Finished: closed."),
}

# The one answer to every miss (no such code, other digits, an anonymous or deleted petition):
# a citizen cannot tell which, nor can anyone trying codes or digits.
NOT_FOUND = _(
    "No petition matches this code and these digits. Check the code on your receipt and the "
    "last 4 digits of the phone number you gave when you submitted the petition."
)


def retry_message(seconds: int) -> str:
    """Over the limit: when to try again, in minutes (a look-up window lasts minutes)."""
    minutes = max((seconds + 59) // 60, 1)
    return ngettext(
        "Too many look-ups from this address. Try again in %(minutes)d minute.",
        "Too many look-ups from this address. Try again in %(minutes)d minutes.",
        minutes,
    ) % {"minutes": minutes}
