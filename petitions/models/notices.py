"""
The written notices the law requires the citizen to receive (thông báo thụ lý / không thụ lý,
phiếu chuyển đơn, the resolution), each in its legal form.

NoticePolicy  per notice kind and petition kind: the form (its annex number and title, as data
              an administrator corrects), and how long after the step the notice is due.
Notice        one notice of one petition: drafted when the step is taken, edited and issued by
              a handler (number, signer, date), its .docx kept, sent to the citizen through the
              notify outbox. The stored text never names the citizen: the name is added only
              in the rendered document, which for a denunciation only a granted person opens.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from danvan.calendar.models import DayUnit
from danvan.core.uploads import RandomName
from petitions.models.choices import PetitionKind
from petitions.models.handling import PetitionEvent
from petitions.models.petition import Petition


class NoticeKind(models.TextChoices):
    ACCEPTANCE = "acceptance", _("Notice of acceptance (thụ lý)")
    REFUSAL = "refusal", _("Notice of non-acceptance (không thụ lý)")
    TRANSFER = "transfer", _("Transfer slip (phiếu chuyển đơn)")
    RESOLUTION = "resolution", _("Notice of the resolution")


class NoticeStatus(models.TextChoices):
    DRAFT = "draft", _("Draft (to issue)")
    ISSUED = "issued", _("Issued")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class NoticePolicy(models.Model):
    """Which legal form a notice takes and when it is due, per notice kind and petition kind."""

    notice_kind = models.CharField(_("notice"), max_length=20, choices=NoticeKind.choices)
    petition_kind = models.CharField(
        _("kind of petition"), max_length=20, choices=PetitionKind.choices
    )
    title = models.CharField(_("title of the document"), max_length=255)
    form_reference = models.CharField(
        _("legal form"),
        max_length=255,
        help_text=_("The form's number and the instrument it is annexed to."),
    )
    legal_basis = models.CharField(_("legal basis of the deadline"), max_length=255, blank=True)
    amount = models.PositiveSmallIntegerField(
        _("due within"), default=0, help_text=_("0: on the day of the step.")
    )
    day_unit = models.CharField(
        _("counted in"), max_length=10, choices=DayUnit.choices, default=DayUnit.WORKING
    )
    is_active = models.BooleanField(
        _("required"), default=True, help_text=_("Off: no notice is drafted for this step.")
    )

    class Meta:
        verbose_name = _("notice policy")
        verbose_name_plural = _("notice policies")
        ordering = ["petition_kind", "notice_kind"]
        constraints = [
            models.UniqueConstraint(
                fields=["notice_kind", "petition_kind"], name="petitions_notice_policy_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_petition_kind_display()} – {self.get_notice_kind_display()}"


class Notice(models.Model):
    petition = models.ForeignKey(
        Petition, verbose_name=_("petition"), on_delete=models.CASCADE, related_name="notices"
    )
    kind = models.CharField(_("notice"), max_length=20, choices=NoticeKind.choices)
    # The unit that issues it: the handling unit when the step was taken (a transfer slip is
    # the sender's). Its handlers edit and issue it (petition.handle at this unit).
    unit = models.ForeignKey(
        "org.Unit", verbose_name=_("issuing unit"), on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(
        _("status"), max_length=10, choices=NoticeStatus.choices, default=NoticeStatus.DRAFT
    )
    event = models.ForeignKey(
        PetitionEvent,
        verbose_name=_("step"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    title = models.CharField(_("title of the document"), max_length=255)
    form_reference = models.CharField(_("legal form"), max_length=255)
    due_on = models.DateField(_("due on"))
    addressee = models.CharField(
        _("addressed to"),
        max_length=255,
        blank=True,
        help_text=_("Empty: the petitioners (their names are added when the document is made)."),
    )
    body = models.TextField(_("text"))
    place = models.CharField(_("place of issue"), max_length=100, blank=True)
    number = models.CharField(_("document number"), max_length=50, blank=True)
    signer = models.CharField(_("signed by"), max_length=150, blank=True)
    signer_title = models.CharField(_("signer's position"), max_length=150, blank=True)
    issued_on = models.DateField(_("issued on"), null=True, blank=True)
    document = models.FileField(
        _("document"), upload_to=RandomName("notices/%Y/%m/"), blank=True, editable=False
    )
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("issued by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    issued_at = models.DateTimeField(_("issued at"), null=True, blank=True)
    withdraw_reason = models.TextField(_("why withdrawn"), blank=True)
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("notice to the citizen")
        verbose_name_plural = _("notices to citizens")
        ordering = ["due_on", "id"]
        indexes = [
            models.Index(
                fields=["due_on", "id"],
                name="petitions_notice_due",
                condition=models.Q(status="draft"),
            ),
            models.Index(fields=["updated_at", "id"], name="petitions_notice_sync"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} – {self.petition_id}"
