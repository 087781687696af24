"""
What handling leaves behind: attachments, links, answers, suspensions, extensions, transfers and
the timeline.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from danvan.core.uploads import RandomName, validate_file_content
from petitions.models.choices import EventAction, LinkKind, Stage, Status
from petitions.models.petition import Petition


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
