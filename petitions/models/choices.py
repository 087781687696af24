"""
The petition's vocabularies (kinds, channels, statuses, stages, results, events) and the keyed
hashes by which a person is recognised without storing their numbers in clear.
"""

from __future__ import annotations

import re

from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from danvan.core.crypto import keyed_hash
from danvan.core.text import fold

REDACTED = _("[hidden]")


citizen_id_validator = RegexValidator(
    r"^\d{12}$", _("A citizen ID number (CCCD) has exactly 12 digits."), code="citizen_id"
)


def normalise_phone(phone: str) -> str:
    """Digits only, +84 / 84 written as the leading 0: one person's number, however typed."""
    digits = re.sub(r"\D", "", phone or "")
    if digits.startswith("84") and len(digits) >= 11:
        digits = "0" + digits[2:]
    return digits


def citizen_id_hash(citizen_id: str) -> str:
    """The keyed hash (blind index) by which a CCCD is looked up; "" for none."""
    return keyed_hash(re.sub(r"\s", "", citizen_id or ""), purpose="cccd")


def phone_hash(phone: str) -> str:
    """The keyed hash of the normalised phone number; "" for none."""
    return keyed_hash(normalise_phone(phone), purpose="phone")


def name_hash(full_name: str) -> str:
    """The keyed hash of the folded name ("LE THI MAI" = "Lê Thị Mai"); "" for none."""
    return keyed_hash(fold(full_name), purpose="name")


class PetitionKind(models.TextChoices):
    """Classification by content (Thông tư 05/2021/TT-TTCP art. 6)."""

    COMPLAINT = "complaint", _("Complaint")
    DENUNCIATION = "denunciation", _("Denunciation")
    RECOMMENDATION = "recommendation", _("Recommendation")
    FEEDBACK = "feedback", _("Feedback")
    MIXED = "mixed", _("Several contents")


# Kinds whose petitioners' identity is a secret (Luật Tố cáo 2018 art. 9, 47-56): a denunciation,
# and a petition of several contents, which may hold one until it is separated.
IDENTITY_PROTECTED_KINDS = (PetitionKind.DENUNCIATION, PetitionKind.MIXED)


class Channel(models.TextChoices):
    RECEPTION = "reception", _("Citizen-reception session")
    POST = "post", _("Post")
    SUGGESTION_BOX = "suggestion_box", _("Suggestion box")
    FORWARDED = "forwarded", _("Forwarded by the Fatherland Front or a mass organisation")
    VOTERS = "voters", _("Voters' recommendation via deputies")
    WEB_PORTAL = "web_portal", _("Web portal")
    MOBILE_APP = "mobile_app", _("Mobile app")
    HOTLINE = "hotline", _("Hotline")
    DIALOGUE = "dialogue", _("Leader's dialogue with citizens")
    ONLINE = "online", _("Online (a public app, Open311)")


class Complexity(models.TextChoices):
    NORMAL = "normal", _("Normal")
    COMPLEX = "complex", _("Complex")
    ESPECIALLY_COMPLEX = "especially_complex", _("Especially complex")


class Instance(models.IntegerChoices):
    FIRST = 1, _("First complaint")
    SECOND = 2, _("Second complaint")


class Status(models.TextChoices):
    RECEIVED = "received", _("Received")
    TRANSFERRED = "transferred", _("Transferred")
    ACCEPTED = "accepted", _("Accepted")
    UNDER_RESOLUTION = "under_resolution", _("Under resolution")
    SUSPENDED = "suspended", _("Suspended")
    RESOLVED = "resolved", _("Resolved")
    GUIDED = "guided", _("Guided to the competent body")
    PAPERS_RETURNED = "papers_returned", _("Papers returned")
    FILED = "filed", _("Filed without action")
    CLOSED = "closed", _("Closed")


# Statuses whose clock runs; SUSPENDED has a clock that is stopped.
RUNNING_STATUSES = (Status.RECEIVED, Status.TRANSFERRED, Status.ACCEPTED, Status.UNDER_RESOLUTION)


OPEN_STATUSES = (*RUNNING_STATUSES, Status.SUSPENDED)


FINISHED_STATUSES = (
    Status.RESOLVED,
    Status.GUIDED,
    Status.PAPERS_RETURNED,
    Status.FILED,
    Status.CLOSED,
)


class Result(models.TextChoices):
    RIGHT = "right", _("Right")
    WRONG = "wrong", _("Wrong")
    PARTLY_RIGHT = "partly_right", _("Partly right")


class Stage(models.TextChoices):
    """A clock a petition can be on; each has a DeadlinePolicy per kind."""

    PROCESSING = "processing", _("Processing (xử lý đơn)")
    ACCEPTANCE = "acceptance", _("Accepting a complaint")
    CHECK = "check", _("Checking and accepting a denunciation")
    CHECK_SEVERAL_PLACES = (
        "check_several_places",
        _("Checking a denunciation (several places to check)"),
    )
    FORWARD = "forward", _("Forwarding a denunciation outside competence")
    NOTIFY = "notify", _("Notifying the denouncer of acceptance")
    TRANSFER = "transfer", _("Receiver's answer to a transferred petition")
    RESOLVE = "resolve", _("Resolution")
    RESOLVE_COMPLEX = "resolve_complex", _("Resolution, complex case")
    RESOLVE_ESPECIALLY_COMPLEX = (
        "resolve_especially_complex",
        _("Resolution, especially complex case"),
    )
    RESOLVE_REMOTE = "resolve_remote", _("Resolution, remote area")
    RESOLVE_REMOTE_COMPLEX = "resolve_remote_complex", _("Resolution, remote area and complex")
    RESOLVE_SECOND = "resolve_second", _("Second complaint resolution")
    RESOLVE_SECOND_COMPLEX = "resolve_second_complex", _("Second complaint resolution, complex")
    RESOLVE_SECOND_REMOTE = "resolve_second_remote", _("Second complaint resolution, remote area")
    RESOLVE_SECOND_REMOTE_COMPLEX = (
        "resolve_second_remote_complex",
        _("Second complaint resolution, remote area and complex"),
    )


class DeadlineState(models.TextChoices):
    ON_TIME = "on_time", _("On time")
    DUE_SOON = "due_soon", _("Due soon")
    OVERDUE = "overdue", _("Overdue")
    PAUSED = "paused", _("Clock stopped")
    DONE = "done", _("Finished")


class RespondentKind(models.TextChoices):
    PERSON = "person", _("Person")
    BODY = "body", _("Agency or organisation")


class LinkKind(models.TextChoices):
    LINKED = "linked", _("Linked")
    DUPLICATE_OF = "duplicate_of", _("Duplicate of")
    # The petition was merged into the target (services.petition_merge): its timeline,
    # contents and files are shown on the target's page.
    MERGED_INTO = "merged_into", _("Merged into")


class EventAction(models.TextChoices):
    CREATED = "created", _("Received")
    UPDATED = "updated", _("Details changed")
    ACCEPTED = "accepted", _("Accepted")
    GUIDED = "guided", _("Guided to the competent body")
    TRANSFERRED = "transferred", _("Transferred")
    TRANSFER_REPORTED = "transfer_reported", _("Transfer result reported")
    PAPERS_RETURNED = "papers_returned", _("Papers returned")
    FILED = "filed", _("Filed without action")
    RESOLUTION_STARTED = "resolution_started", _("Resolution started")
    RESOLVED = "resolved", _("Resolved")
    CLOSED = "closed", _("Closed")
    REOPENED = "reopened", _("Reopened as a second complaint")
    SUSPENDED = "suspended", _("Suspended")
    RESUMED = "resumed", _("Resumed")
    EXTENDED = "extended", _("Deadline extended")
    ASSIGNED = "assigned", _("Assigned")
    LINKED = "linked", _("Linked")
    DUPLICATE_DISMISSED = "duplicate_dismissed", _("Duplicate suggestion dismissed")
    ATTACHED = "attached", _("File attached")
    DEADLINE_RECOMPUTED = "deadline_recomputed", _("Deadline recomputed")
    DELETED = "deleted", _("Deleted")
    NOTICE_ISSUED = "notice_issued", _("Notice issued to the citizen")
    NOTICE_WITHDRAWN = "notice_withdrawn", _("Notice withdrawn")
    MERGED = "merged", _("Merged into another petition")
    ABSORBED = "absorbed", _("Another petition merged into this one")
