"""Meetings (hội nghị) and their numbered conclusions."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from danvan.core.text import FoldedTextField
from danvan.org.models import Unit
from tasks.models.base import VersionedModel
from tasks.models.directives import Directive


# --- Meetings --------------------------------------------------------------------------------
class MeetingKind(models.TextChoices):
    MID_TERM_REVIEW = "so_ket", _("Mid-term review (sơ kết)")
    REVIEW = "tong_ket", _("Review (tổng kết)")
    BRIEFING = "giao_ban", _("Periodic briefing (giao ban)")
    WORKING_SESSION = "lam_viec", _("Working session (làm việc)")
    DIALOGUE = "doi_thoai", _("Dialogue with citizens (đối thoại)")
    THEMATIC = "chuyen_de", _("Thematic meeting (chuyên đề)")
    ONLINE = "truc_tuyen", _("Online conference (trực tuyến)")


class Meeting(VersionedModel):
    kind = models.CharField(_("kind"), max_length=20, choices=MeetingKind.choices)
    title = models.CharField(_("title"), max_length=500)
    search_text = FoldedTextField(sources=("title", "place", "chair_name"))
    starts_on = models.DateField(_("starts on"), null=True, blank=True)
    ends_on = models.DateField(_("ends on"), null=True, blank=True)
    place = models.CharField(_("place"), max_length=255, blank=True)
    organising_unit = models.ForeignKey(
        Unit,
        verbose_name=_("organising unit"),
        on_delete=models.PROTECT,
        related_name="meetings_organised",
    )
    chair_name = models.CharField(_("chair"), max_length=255, blank=True)
    chair = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("chair (user)"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="meetings_chaired",
    )
    participating_units = models.ManyToManyField(
        Unit, verbose_name=_("participating units"), blank=True, related_name="meetings_attended"
    )
    bridge_points = models.ManyToManyField(
        Unit,
        verbose_name=_("online bridge points"),
        blank=True,
        related_name="meetings_bridged",
    )
    bridge_point_count = models.PositiveIntegerField(
        _("number of bridge points"),
        default=0,
        help_text=_("As announced; may exceed the units listed (e.g. 63 provinces in 2020)."),
    )
    agenda = models.TextField(_("agenda"), blank=True)
    minutes = models.TextField(_("minutes"), blank=True)
    directives_cited = models.ManyToManyField(
        Directive, verbose_name=_("documents cited"), blank=True, related_name="cited_in_meetings"
    )

    class Meta:
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        ordering = ["-starts_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True)
                | Q(starts_on__isnull=True)
                | Q(ends_on__gte=F("starts_on")),
                name="tasks_meeting_ends_after_start",
            )
        ]

    def __str__(self) -> str:
        return self.title


class MeetingConclusion(models.Model):
    """One numbered item of a meeting's conclusions; becomes task number `number`."""

    meeting = models.ForeignKey(
        Meeting, verbose_name=_("meeting"), on_delete=models.CASCADE, related_name="conclusions"
    )
    number = models.PositiveSmallIntegerField(_("number"))
    text = models.TextField(_("text"))

    class Meta:
        verbose_name = _("meeting conclusion")
        verbose_name_plural = _("meeting conclusions")
        ordering = ["meeting", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "number"], name="tasks_conclusion_unique_number"
            )
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.text[:80]}"
