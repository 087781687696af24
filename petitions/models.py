"""
Petitions (đơn thư): intake, parties, the handling workflow, the legal clocks, the audit trail.

Status and deadline fields are written only by `petitions.services`; nobody types a deadline.
"""

from __future__ import annotations

import re
import uuid
from typing import Any

from django.conf import settings
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from danvan.calendar.models import DayUnit
from danvan.core.crypto import EncryptedCharField, keyed_hash
from danvan.core.text import fold
from danvan.core.uploads import RandomName, validate_file_content

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


class PetitionField(models.Model):
    """Lĩnh vực: the inspectorate's reporting split, editable by administrators."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=150)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent field"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("petition field")
        verbose_name_plural = _("petition fields")
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return f"{self.parent.name} – {self.name}" if self.parent_id and self.parent else self.name


class DeadlinePolicy(models.Model):
    """A legal clock as data: how long a stage may take for a kind, optionally per unit."""

    kind = models.CharField(_("kind"), max_length=20, choices=PetitionKind.choices)
    stage = models.CharField(_("stage"), max_length=40, choices=Stage.choices)
    unit = models.ForeignKey(
        "org.Unit",
        verbose_name=_("unit"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        help_text=_("Empty: the default everywhere. A unit's policy applies to its subtree."),
    )
    amount = models.PositiveSmallIntegerField(_("amount"), validators=[MinValueValidator(1)])
    day_unit = models.CharField(_("counted in"), max_length=10, choices=DayUnit.choices)
    max_extensions = models.PositiveSmallIntegerField(_("extensions allowed"), default=0)
    extension_amount = models.PositiveSmallIntegerField(_("maximum days per extension"), default=0)
    legal_basis = models.CharField(_("legal basis"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("deadline policy")
        verbose_name_plural = _("deadline policies")
        ordering = ["kind", "stage"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "stage"],
                condition=models.Q(unit__isnull=True),
                name="petitions_policy_default_unique",
            ),
            models.UniqueConstraint(
                fields=["kind", "stage", "unit"], name="petitions_policy_unit_unique"
            ),
        ]

    def __str__(self) -> str:
        return (
            f"{self.get_kind_display()} – {self.get_stage_display()}: "
            f"{self.amount} {self.get_day_unit_display()}"
        )


class PetitionCodeCounter(models.Model):
    """Last number handed out per receiving unit and year; locked while a code is allocated."""

    unit = models.ForeignKey("org.Unit", on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    last_value = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["unit", "year"], name="petitions_counter_unique")
        ]

    def __str__(self) -> str:
        return f"{self.unit_id}/{self.year}: {self.last_value}"


class ReceptionSession(models.Model):
    """A citizen-reception session (tiếp công dân); its entries become petitions."""

    unit = models.ForeignKey(
        "org.Unit", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+"
    )
    held_on = models.DateField(_("date"))
    leader_name = models.CharField(_("receiving leader"), max_length=150)
    citizens_count = models.PositiveIntegerField(_("citizens received"), default=0)
    notes = models.TextField(_("notes"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("citizen-reception session")
        verbose_name_plural = _("citizen-reception sessions")
        ordering = ["-held_on", "-id"]

    def __str__(self) -> str:
        return f"{self.unit} {self.held_on:%d/%m/%Y}"


class Petition(models.Model):
    code = models.CharField(_("code"), max_length=30, editable=False)
    client_id = models.UUIDField(_("client id"), default=uuid.uuid4, unique=True, editable=False)
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)

    received_on = models.DateField(_("received on"))
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices)
    kind = models.CharField(_("kind"), max_length=20, choices=PetitionKind.choices)
    field = models.ForeignKey(
        PetitionField,
        verbose_name=_("field"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="petitions",
    )
    summary = models.CharField(_("summary"), max_length=500)
    content = models.TextField(_("content"), blank=True)

    location_unit = models.ForeignKey(
        "org.Unit",
        verbose_name=_("location"),
        on_delete=models.PROTECT,
        related_name="petitions_located",
    )
    address = models.CharField(_("address"), max_length=255, blank=True)
    latitude = models.DecimalField(
        _("latitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    longitude = models.DecimalField(
        _("longitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )

    is_eligible = models.BooleanField(_("eligible for processing"), default=True)
    ineligibility_reason = models.CharField(_("why not eligible"), max_length=255, blank=True)
    is_anonymous = models.BooleanField(_("anonymous"), default=False)
    is_collective = models.BooleanField(_("collective petition"), default=False)
    head_count = models.PositiveIntegerField(_("number of petitioners"), default=1)
    is_remote_area = models.BooleanField(_("remote area"), default=False)
    several_places = models.BooleanField(_("several places to check"), default=False)
    complexity = models.CharField(
        _("complexity"), max_length=20, choices=Complexity.choices, default=Complexity.NORMAL
    )
    instance = models.PositiveSmallIntegerField(
        _("instance"), choices=Instance.choices, default=Instance.FIRST
    )

    receiving_unit = models.ForeignKey(
        "org.Unit",
        verbose_name=_("receiving unit"),
        on_delete=models.PROTECT,
        related_name="petitions_received",
    )
    handling_unit = models.ForeignKey(
        "org.Unit",
        verbose_name=_("handling unit"),
        on_delete=models.PROTECT,
        related_name="petitions_handled",
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assignee"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="petitions_assigned",
    )
    reception_session = models.ForeignKey(
        ReceptionSession,
        verbose_name=_("reception session"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="petitions",
    )

    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.RECEIVED
    )
    # Kept when suspended, so resuming returns to it.
    status_before_suspension = models.CharField(max_length=20, blank=True, editable=False)
    result = models.CharField(_("result"), max_length=20, choices=Result.choices, blank=True)

    # The current clock, computed by services.deadline_recompute.
    clock_stage = models.CharField(
        _("current clock"), max_length=40, choices=Stage.choices, blank=True
    )
    clock_started_on = models.DateField(_("clock started on"), null=True, blank=True)
    due_date = models.DateField(_("current deadline"), null=True, blank=True)
    accepted_on = models.DateField(_("accepted on"), null=True, blank=True)
    # When the last clock ended (resolution, guidance, filing…) and whether within its deadline.
    finished_on = models.DateField(_("finished on"), null=True, blank=True)
    finished_on_time = models.BooleanField(_("finished on time"), null=True, blank=True)

    search_text = models.TextField(editable=False, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True, db_index=True)
    # Tombstone: deleted petitions stay as rows so sync clients learn about the deletion.
    deleted_at = models.DateTimeField(_("deleted at"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("petition")
        verbose_name_plural = _("petitions")
        ordering = ["-received_on", "-id"]
        permissions = [
            ("extend_deadline", _("Can extend a petition's deadline by decision")),
            ("handle_petition", _("Can move petitions through the procedure")),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["receiving_unit", "code"], name="petitions_code_unique_per_unit"
            ),
            models.CheckConstraint(condition=models.Q(head_count__gte=1), name="petitions_heads"),
        ]
        indexes = [
            models.Index(fields=["-received_on", "-id"], name="petitions_received_desc"),
            models.Index(
                fields=["handling_unit", "-received_on", "-id"], name="petitions_handling_recv"
            ),
            models.Index(fields=["status", "due_date"], name="petitions_status_due"),
            models.Index(fields=["updated_at", "id"], name="petitions_sync"),
        ]

    def __str__(self) -> str:
        return self.code

    @property
    def identity_protected(self) -> bool:
        """The petitioners' identity is a secret (IDENTITY_PROTECTED_KINDS)."""
        return self.kind in IDENTITY_PROTECTED_KINDS

    @property
    def etag(self) -> str:
        return f'"{self.pk}-{self.version}"'


class Petitioner(models.Model):
    """
    A person who petitions; recognised across petitions by CCCD, or by name + phone.

    The name, CCCD, phone and address are stored encrypted (danvan.core.crypto): a person may
    have denounced someone, and no column holds a denouncer's name in clear or folded. People
    are found by keyed hashes, which save() keeps in step with the clear values; searching by
    name goes through Petition.search_text, which holds the names of non-protected petitions.
    """

    full_name = EncryptedCharField(_("full name"), max_length=150)
    name_hash = models.CharField(max_length=64, editable=False, blank=True)
    citizen_id = EncryptedCharField(
        _("citizen ID number"),
        max_length=12,
        blank=True,
        validators=[citizen_id_validator],
    )
    citizen_id_hash = models.CharField(max_length=64, editable=False, blank=True)
    phone = EncryptedCharField(_("phone"), max_length=20, blank=True)
    phone_hash = models.CharField(max_length=64, editable=False, blank=True)
    address = EncryptedCharField(_("address"), max_length=255, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("petitioner")
        verbose_name_plural = _("petitioners")
        constraints = [
            models.UniqueConstraint(
                fields=["citizen_id_hash"],
                condition=~models.Q(citizen_id_hash=""),
                name="petitions_petitioner_cccd_hash_unique",
            )
        ]
        indexes = [
            models.Index(fields=["name_hash", "phone_hash"], name="petitions_person_name_phone")
        ]

    def __str__(self) -> str:
        return self.full_name

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.name_hash = name_hash(self.full_name)
        self.citizen_id_hash = citizen_id_hash(self.citizen_id)
        self.phone_hash = phone_hash(self.phone)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            fields = set(update_fields)
            if "full_name" in fields:
                fields.add("name_hash")
            if "citizen_id" in fields:
                fields.add("citizen_id_hash")
            if "phone" in fields:
                fields.add("phone_hash")
            kwargs["update_fields"] = fields
        super().save(*args, **kwargs)


class PetitionPetitioner(models.Model):
    petition = models.ForeignKey(Petition, on_delete=models.CASCADE, related_name="parties")
    petitioner = models.ForeignKey(Petitioner, on_delete=models.PROTECT, related_name="parties")
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("petitioner of a petition")
        verbose_name_plural = _("petitioners of a petition")
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["petition", "petitioner"], name="petitions_party_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.petition_id} – {self.petitioner_id}"


class RespondentKind(models.TextChoices):
    PERSON = "person", _("Person")
    BODY = "body", _("Agency or organisation")


class Respondent(models.Model):
    """The person or body complained about or denounced."""

    petition = models.ForeignKey(Petition, on_delete=models.CASCADE, related_name="respondents")
    kind = models.CharField(_("kind"), max_length=10, choices=RespondentKind.choices)
    name = models.CharField(_("name"), max_length=255)
    position = models.CharField(_("position or address"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("person or body complained about")
        verbose_name_plural = _("people or bodies complained about")

    def __str__(self) -> str:
        return self.name


class Attachment(models.Model):
    petition = models.ForeignKey(Petition, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(
        _("file"),
        upload_to=RandomName("petitions/%Y/%m/"),
        validators=[validate_file_content],
    )
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("content type"), max_length=50)
    size = models.PositiveIntegerField(_("size (bytes)"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["id"]

    def __str__(self) -> str:
        # Not the original name: a denunciation's file may be named after its writer, and
        # this string shows up in places (the admin's inline rows, logs) that do not redact.
        return gettext("attachment %(number)s") % {"number": self.pk}


class LinkKind(models.TextChoices):
    LINKED = "linked", _("Linked")
    DUPLICATE_OF = "duplicate_of", _("Duplicate of")


class PetitionLink(models.Model):
    petition = models.ForeignKey(Petition, on_delete=models.CASCADE, related_name="links")
    target = models.ForeignKey(Petition, on_delete=models.CASCADE, related_name="linked_from")
    kind = models.CharField(_("kind"), max_length=20, choices=LinkKind.choices)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("petition link")
        verbose_name_plural = _("petition links")
        constraints = [
            models.UniqueConstraint(
                fields=["petition", "target", "kind"], name="petitions_link_unique"
            ),
            models.CheckConstraint(
                condition=~models.Q(petition=models.F("target")), name="petitions_link_not_self"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.petition_id} → {self.target_id} ({self.kind})"


class Answer(models.Model):
    """An answer document (văn bản trả lời / quyết định giải quyết)."""

    petition = models.ForeignKey(Petition, on_delete=models.CASCADE, related_name="answers")
    number = models.CharField(_("document number"), max_length=50)
    issued_on = models.DateField(_("issued on"))
    signer = models.CharField(_("signed by"), max_length=150)
    summary = models.TextField(_("summary"), blank=True)
    file = models.FileField(
        _("file"),
        upload_to=RandomName("answers/%Y/%m/"),
        blank=True,
        validators=[validate_file_content],
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("answer document")
        verbose_name_plural = _("answer documents")
        ordering = ["issued_on", "id"]

    def __str__(self) -> str:
        return self.number


class Suspension(models.Model):
    """A period when the clock is stopped (tạm đình chỉ); `ended_on` empty while it lasts."""

    petition = models.ForeignKey(Petition, on_delete=models.CASCADE, related_name="suspensions")
    started_on = models.DateField(_("suspended on"))
    ended_on = models.DateField(_("resumed on"), null=True, blank=True)
    reason = models.TextField(_("reason"))

    class Meta:
        verbose_name = _("suspension")
        verbose_name_plural = _("suspensions")
        ordering = ["started_on", "id"]

    def __str__(self) -> str:
        return (
            f"{self.started_on:%d/%m/%Y} – {self.ended_on:%d/%m/%Y}"
            if self.ended_on
            else f"{self.started_on:%d/%m/%Y} –"
        )


class Extension(models.Model):
    """An extension of the resolution deadline, by decision."""

    petition = models.ForeignKey(Petition, on_delete=models.CASCADE, related_name="extensions")
    stage = models.CharField(_("clock"), max_length=40, choices=Stage.choices)
    days = models.PositiveSmallIntegerField(_("days"), validators=[MinValueValidator(1)])
    decision_number = models.CharField(_("decision number"), max_length=50)
    decided_on = models.DateField(_("decided on"))
    reason = models.TextField(_("reason"))

    class Meta:
        verbose_name = _("extension")
        verbose_name_plural = _("extensions")
        ordering = ["decided_on", "id"]

    def __str__(self) -> str:
        return f"{self.decision_number} (+{self.days})"


class Transfer(models.Model):
    """A petition sent to another unit, which must report its result back by `due_on`."""

    petition = models.ForeignKey(Petition, on_delete=models.CASCADE, related_name="transfers")
    from_unit = models.ForeignKey(
        "org.Unit", verbose_name=_("from"), on_delete=models.PROTECT, related_name="+"
    )
    to_unit = models.ForeignKey(
        "org.Unit", verbose_name=_("to"), on_delete=models.PROTECT, related_name="+"
    )
    sent_on = models.DateField(_("sent on"))
    due_on = models.DateField(_("receiver's deadline"))
    result = models.TextField(_("result reported"), blank=True)
    reported_on = models.DateField(_("reported on"), null=True, blank=True)

    class Meta:
        verbose_name = _("transfer")
        verbose_name_plural = _("transfers")
        ordering = ["sent_on", "id"]

    def __str__(self) -> str:
        return f"{self.from_unit_id} → {self.to_unit_id} ({self.due_on:%d/%m/%Y})"


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


class PetitionEvent(models.Model):
    """One line of the timeline. `data` never holds a petitioner's identity."""

    petition = models.ForeignKey(Petition, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    at = models.DateTimeField(_("at"), auto_now_add=True)
    action = models.CharField(_("action"), max_length=30, choices=EventAction.choices)
    from_status = models.CharField(_("from"), max_length=20, choices=Status.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=20, choices=Status.choices, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    data = models.JSONField(_("details"), default=dict, blank=True)

    class Meta:
        verbose_name = _("petition event")
        verbose_name_plural = _("petition timeline")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.petition_id} {self.action} {self.at:%d/%m/%Y %H:%M}"


class IdentityAccessLog(models.Model):
    """Every time someone was shown a denouncer's identity."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.PROTECT, related_name="+"
    )
    petition = models.ForeignKey(
        Petition, verbose_name=_("petition"), on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(_("at"), auto_now_add=True)
    reason = models.TextField(_("reason"))
    channel = models.CharField(_("where"), max_length=20)

    class Meta:
        verbose_name = _("identity access log entry")
        verbose_name_plural = _("identity access log")
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.user_id} {self.petition_id} {self.at:%d/%m/%Y %H:%M}"


class IdentityGrant(models.Model):
    """
    The right to see denouncers' identities in a unit and every unit below it, given to one
    person by someone allowed to (services.identity_grant_create), for a reason, until a date.
    Nobody holds it otherwise: not a role, not a superuser. Never edited; revoked instead.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("granted to"),
        on_delete=models.PROTECT,
        related_name="identity_grants",
    )
    unit = models.ForeignKey(
        "org.Unit",
        verbose_name=_("unit (and the units below it)"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("granted by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    reason = models.TextField(_("reason"))
    valid_until = models.DateField(_("valid until (inclusive)"))
    created_at = models.DateTimeField(_("granted at"), auto_now_add=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("revoked by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("identity grant")
        verbose_name_plural = _("identity grants")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "valid_until"], name="petitions_grant_user")]

    def __str__(self) -> str:
        return f"{self.user} – {self.unit} ({self.valid_until:%d/%m/%Y})"
