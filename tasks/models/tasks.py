"""Tasks (nhiệm vụ), their derived status and the units assigned to them."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Case, F, Q, Value, When
from django.utils.translation import gettext_lazy as _

from danvan.core.text import FoldedTextField
from danvan.org.models import Unit
from tasks.models.base import VersionedModel
from tasks.models.directives import Directive
from tasks.models.meetings import MeetingConclusion


# --- Tasks -----------------------------------------------------------------------------------
class TaskSource(models.TextChoices):
    CONCLUSION = "conclusion", _("Meeting conclusion")
    DIRECTIVE = "directive", _("Directive document")
    AD_HOC = "ad_hoc", _("Ad hoc")
    CASCADE = "cascade", _("Cascaded from a higher task")


class Priority(models.TextChoices):
    LOW = "low", _("Low")
    NORMAL = "normal", _("Normal")
    HIGH = "high", _("High")
    URGENT = "urgent", _("Urgent")


class Recurrence(models.TextChoices):
    NONE = "", _("Does not repeat")
    MONTHLY = "monthly", _("Monthly")
    QUARTERLY = "quarterly", _("Quarterly")
    SIX_MONTHLY = "six_monthly", _("Every six months")
    YEARLY = "yearly", _("Yearly")


class TaskStatus(models.TextChoices):
    """Derived, never stored."""

    NOT_STARTED = "not_started", _("Not started")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE_ON_TIME = "done_on_time", _("Done on time")
    DONE_LATE = "done_late", _("Done late")
    OVERDUE = "overdue", _("Overdue")
    CANCELLED = "cancelled", _("Cancelled")


class TaskQuerySet(models.QuerySet["Task"]):
    def alive(self) -> TaskQuerySet:
        return self.filter(deleted_at__isnull=True)

    def with_status(self, *, today: datetime.date) -> TaskQuerySet:
        """Annotate `status` (a TaskStatus value) in SQL, so lists can filter and sort on it."""
        return self.annotate(
            status=Case(
                When(cancelled=True, then=Value(TaskStatus.CANCELLED.value)),
                When(
                    Q(completed_on__isnull=False)
                    & (Q(due_on__isnull=True) | Q(completed_on__lte=F("due_on"))),
                    then=Value(TaskStatus.DONE_ON_TIME.value),
                ),
                When(completed_on__isnull=False, then=Value(TaskStatus.DONE_LATE.value)),
                When(due_on__lt=today, then=Value(TaskStatus.OVERDUE.value)),
                When(
                    Q(progress_percent__gt=0) | Q(last_reported_at__isnull=False),
                    then=Value(TaskStatus.IN_PROGRESS.value),
                ),
                default=Value(TaskStatus.NOT_STARTED.value),
                output_field=models.CharField(max_length=20),
            )
        )


class Task(VersionedModel):
    """A task (nhiệm vụ) given to a lead unit, with coordinating units, a deadline or period."""

    number = models.PositiveIntegerField(
        _("number"), null=True, blank=True, help_text=_("Number within its source.")
    )
    title = models.CharField(_("title"), max_length=500)
    description = models.TextField(_("description"), blank=True)
    search_text = FoldedTextField(sources=("title", "description"))
    source_kind = models.CharField(
        _("source"), max_length=20, choices=TaskSource.choices, default=TaskSource.AD_HOC
    )
    conclusion = models.ForeignKey(
        MeetingConclusion,
        verbose_name=_("meeting conclusion"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="tasks",
    )
    directive = models.ForeignKey(
        Directive,
        verbose_name=_("directive document"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="tasks",
    )
    issuing_unit = models.ForeignKey(
        Unit, verbose_name=_("issuing unit"), on_delete=models.PROTECT, related_name="tasks_issued"
    )
    # Kept equal to the lead assignment's unit by the services, so scoping and "tasks of my
    # unit" filter on an indexed column instead of joining the assignments.
    lead_unit = models.ForeignKey(
        Unit, verbose_name=_("lead unit"), on_delete=models.PROTECT, related_name="tasks_led"
    )
    period_start = models.DateField(_("period start"), null=True, blank=True)
    due_on = models.DateField(
        _("due on"), null=True, blank=True, help_text=_("The deadline, or the end of the period.")
    )
    period_label = models.CharField(
        _("period"), max_length=100, blank=True, help_text=_("As written: “6 tháng cuối năm 2018”.")
    )
    priority = models.CharField(
        _("priority"), max_length=10, choices=Priority.choices, default=Priority.NORMAL
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent task"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    recurrence = models.CharField(
        _("repeats"), max_length=20, choices=Recurrence.choices, default=Recurrence.NONE, blank=True
    )
    previous_occurrence = models.OneToOneField(
        "self",
        verbose_name=_("previous occurrence"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="next_occurrence",
    )
    cancelled = models.BooleanField(_("cancelled"), default=False)
    cancel_reason = models.TextField(_("reason for cancelling"), blank=True)
    progress_percent = models.PositiveSmallIntegerField(
        _("progress (%)"),
        default=0,
        validators=[MaxValueValidator(100)],
        help_text=_("Latest reported progress; for a parent, the average of its sub-tasks."),
    )
    last_reported_at = models.DateTimeField(_("last reported at"), null=True, blank=True)
    awaiting_approval = models.BooleanField(_("awaiting approval"), default=False)
    completed_on = models.DateField(
        _("completed on"),
        null=True,
        blank=True,
        help_text=_("Date of the completion report the issuer approved."),
    )
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("approved by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    deleted_at = models.DateTimeField(_("deleted at"), null=True, blank=True, editable=False)

    objects = TaskQuerySet.as_manager()

    class Meta:
        verbose_name = _("task")
        verbose_name_plural = _("tasks")
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["lead_unit", "-id"], name="tasks_task_lead_id"),
            models.Index(fields=["issuing_unit", "-id"], name="tasks_task_issuer_id"),
            models.Index(fields=["parent", "lead_unit"], name="tasks_task_parent_lead"),
            models.Index(fields=["due_on"], name="tasks_task_due_on"),
            models.Index(fields=["updated_at", "id"], name="tasks_task_sync"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(progress_percent__lte=100), name="tasks_task_percent_max_100"
            ),
            models.CheckConstraint(
                condition=Q(period_start__isnull=True)
                | Q(due_on__isnull=True)
                | Q(due_on__gte=F("period_start")),
                name="tasks_task_period_ordered",
            ),
            models.CheckConstraint(condition=~Q(parent=F("id")), name="tasks_task_not_own_parent"),
            # One sub-task per unit below a cascaded task: a repeated cascade cannot duplicate.
            models.UniqueConstraint(
                fields=["parent", "lead_unit"],
                condition=Q(source_kind="cascade", deleted_at__isnull=True),
                name="tasks_task_one_cascade_child_per_unit",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.title}" if self.number else self.title

    @property
    def status_label(self) -> str:
        """The label of the status annotated by `with_status` (what list pages show)."""
        return str(TaskStatus(self.__dict__["status"]).label)

    def status_on(self, today: datetime.date) -> TaskStatus:
        """The derived status; the same rules as `TaskQuerySet.with_status`."""
        if self.cancelled:
            return TaskStatus.CANCELLED
        if self.completed_on is not None:
            if self.due_on is None or self.completed_on <= self.due_on:
                return TaskStatus.DONE_ON_TIME
            return TaskStatus.DONE_LATE
        if self.due_on is not None and self.due_on < today:
            return TaskStatus.OVERDUE
        if self.progress_percent > 0 or self.last_reported_at is not None:
            return TaskStatus.IN_PROGRESS
        return TaskStatus.NOT_STARTED


class AssignmentRole(models.TextChoices):
    LEAD = "lead", _("Lead (chủ trì)")
    COORDINATE = "coordinate", _("Coordinating (phối hợp)")


class TaskAssignment(models.Model):
    """A unit's part in a task: lead or coordinating, with its own deadline and report."""

    task = models.ForeignKey(
        Task, verbose_name=_("task"), on_delete=models.CASCADE, related_name="assignments"
    )
    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="task_assignments"
    )
    role = models.CharField(_("role"), max_length=20, choices=AssignmentRole.choices)
    due_on = models.DateField(
        _("due on"), null=True, blank=True, help_text=_("Empty: the task's deadline.")
    )
    report = models.TextField(_("report"), blank=True)
    reported_at = models.DateTimeField(_("reported at"), null=True, blank=True)

    class Meta:
        verbose_name = _("task assignment")
        verbose_name_plural = _("task assignments")
        ordering = ["task", "role", "id"]
        constraints = [
            models.UniqueConstraint(fields=["task", "unit"], name="tasks_assignment_unique_unit"),
            models.UniqueConstraint(
                fields=["task"], condition=Q(role="lead"), name="tasks_assignment_one_lead"
            ),
        ]
        indexes = [
            models.Index(fields=["unit", "task"], name="tasks_assignment_unit_task"),
            # The reminders' coordination deadlines (tasks.reminders): open coordinations by
            # their own date.
            models.Index(
                fields=["due_on"],
                name="tasks_assignment_coord_due",
                condition=Q(role="coordinate", reported_at__isnull=True),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_role_display()}: {self.unit}"
