"""Admin-editable exceptions to the statutory calendar (holidays.VN) and their audit trail."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class DayUnit(models.TextChoices):
    """How a legal clock counts: working days, or calendar days (Civil Code art. 147–148)."""

    WORKING = "working", _("working days")
    CALENDAR = "calendar", _("calendar days")


class ExceptionKind(models.TextChoices):
    DAY_OFF = "day_off", _("day off")
    # e.g. a Saturday made a working day in exchange for a bridged holiday.
    WORKING_DAY = "working_day", _("working day")


class CalendarException(models.Model):
    """
    A day the government announced differently from the statutory calendar: an extra day
    off (a swapped or compensatory day) or a working day (a swapped Saturday).
    """

    Kind = ExceptionKind
    DAY_OFF = ExceptionKind.DAY_OFF
    WORKING_DAY = ExceptionKind.WORKING_DAY

    day = models.DateField(_("day"), unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=ExceptionKind.choices)
    name = models.CharField(
        _("name"),
        max_length=255,
        help_text=_("What the day is and the document that announced it."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    # Set by the services (not stored): how many open deadlines the change moved.
    deadlines_changed: int = 0

    class Meta:
        verbose_name = _("calendar exception")
        verbose_name_plural = _("calendar exceptions")
        ordering = ["-day"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=["day_off", "working_day"]),
                name="calendar_exception_kind_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.day:%d/%m/%Y} – {self.get_kind_display()} – {self.name}"


class EventAction(models.TextChoices):
    ADDED = "added", _("added")
    CHANGED = "changed", _("changed")
    REMOVED = "removed", _("removed")


class CalendarEvent(models.Model):
    """Who changed the calendar, when, and how many open deadlines moved because of it."""

    action = models.CharField(_("action"), max_length=20, choices=EventAction.choices)
    day = models.DateField(_("day"))
    previous_day = models.DateField(_("previous day"), null=True, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=ExceptionKind.choices)
    name = models.CharField(_("name"), max_length=255)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    at = models.DateTimeField(_("at"), auto_now_add=True)
    deadlines_changed = models.PositiveIntegerField(_("deadlines changed"), default=0)

    class Meta:
        verbose_name = _("calendar change")
        verbose_name_plural = _("calendar changes")
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_action_display()} {self.day:%d/%m/%Y}"
