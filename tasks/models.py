"""
Directive documents, meetings and their conclusions, tasks with their assignments,
progress reports and the event timeline.

A task's status is never stored: it is derived from the cancelled flag, the completion
date, the deadline, the latest progress and today (`TaskQuerySet.with_status(today=...)`
computes it in SQL, `Task.status_on(today)` in Python, with the same rules).
"""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Case, F, Q, Value, When
from django.utils.translation import gettext_lazy as _

from danvan.core.text import FoldedTextField
from danvan.core.uploads import RandomName, validate_file_content
from danvan.org.models import Unit


# --- Directive documents ---------------------------------------------------------------------
class DirectiveType(models.TextChoices):
    """The type segment of an official number ("25-NQ/TW" -> NQ)."""

    RESOLUTION = "NQ", _("Resolution (nghị quyết)")
    DIRECTIVE = "CT", _("Directive (chỉ thị)")
    DECISION = "QĐ", _("Decision (quyết định)")
    CONCLUSION = "KL", _("Conclusion (kết luận)")
    ACTION_PROGRAMME = "CTr", _("Action programme (chương trình hành động)")
    PLAN = "KH", _("Plan (kế hoạch)")
    REGULATION = "QC", _("Regulation (quy chế)")
    RULE = "QĐi", _("Rule (quy định)")
    GUIDANCE = "HD", _("Guidance (hướng dẫn)")
    OFFICIAL_LETTER = "CV", _("Official letter (công văn)")
    NOTICE = "TB", _("Notice (thông báo)")
    REPORT = "BC", _("Report (báo cáo)")
    ORDINANCE = "PL", _("Ordinance (pháp lệnh)")


# Issuer codes seen in official numbers; any other upper-case code is accepted as written.
ISSUERS: dict[str, Any] = {
    "TW": _("Party Central Committee / Politburo / Secretariat"),
    "TU": _("Provincial Party committee"),
    "ĐU": _("Party committee (đảng ủy)"),
    "HU": _("District Party committee (former)"),
    "TƯ": _("Party Central Committee / Politburo / Secretariat"),
    "BDVTW": _("Central Mass Mobilization Commission"),
    "BDVTU": _("Provincial Mass Mobilization Board"),
    "UBND": _("People's Committee"),
    "BCĐ": _("Steering committee"),
    "BTGTW": _("Central Propaganda Commission"),
}


class DirectiveStatus(models.TextChoices):
    IN_FORCE = "in_force", _("In force")
    REPLACED = "replaced", _("Replaced")
    EXPIRED = "expired", _("No longer in force")


class VersionedModel(models.Model):
    """Rows the mobile client syncs: a client id for retries, a version for If-Match."""

    client_id = models.CharField(
        _("client id"),
        max_length=64,
        null=True,
        blank=True,
        unique=True,
        help_text=_("Chosen by the client so that a retried create does not make a duplicate."),
    )
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True, db_index=True)

    class Meta:
        abstract = True

    @property
    def etag(self) -> str:
        return f'"{self.pk}-{self.version}"'


class Directive(VersionedModel):
    """A directive document (văn bản chỉ đạo): 25-NQ/TW, 66-CTr/TU …"""

    doc_type = models.CharField(_("document type"), max_length=5, choices=DirectiveType.choices)
    number = models.CharField(_("number"), max_length=20)
    issuer = models.CharField(
        _("issuer code"), max_length=20, blank=True, help_text=_("TW, TU, ĐU, HU, UBND …")
    )
    full_number = models.CharField(_("full number"), max_length=80, db_index=True)
    term = models.CharField(
        _("term (khóa)"), max_length=10, blank=True, help_text=_("For plenum resolutions: XII …")
    )
    issued_on = models.DateField(_("issued on"), null=True, blank=True)
    issuing_unit = models.ForeignKey(
        Unit,
        verbose_name=_("issuing unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="directives_issued",
    )
    signer = models.CharField(_("signer"), max_length=150, blank=True)
    title = models.CharField(_("title"), max_length=500)
    summary = models.TextField(_("summary"), blank=True)
    search_text = FoldedTextField(sources=("full_number", "title", "summary", "signer"))
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=DirectiveStatus.choices,
        default=DirectiveStatus.IN_FORCE,
    )
    replaced_by = models.ForeignKey(
        "self",
        verbose_name=_("replaced by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="replaces",
    )
    implements = models.ManyToManyField(
        "self",
        verbose_name=_("implements"),
        symmetrical=False,
        blank=True,
        related_name="implemented_by",
        help_text=_("Higher documents this one carries out (66-CTr/TU implements 25-NQ/TW)."),
    )

    class Meta:
        verbose_name = _("directive document")
        verbose_name_plural = _("directive documents")
        ordering = ["-issued_on", "-id"]
        indexes = [models.Index(fields=["doc_type", "number"], name="tasks_directive_type_no")]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status=DirectiveStatus.REPLACED) | Q(replaced_by__isnull=False),
                name="tasks_directive_replaced_has_successor",
            ),
            models.CheckConstraint(
                condition=~Q(replaced_by=F("id")), name="tasks_directive_not_replaced_by_self"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.full_number} – {self.title}" if self.title else self.full_number


class DirectiveFile(models.Model):
    directive = models.ForeignKey(
        Directive, verbose_name=_("directive"), on_delete=models.CASCADE, related_name="files"
    )
    file = models.FileField(
        _("file"),
        upload_to=RandomName("directives/%Y/"),
        validators=[validate_file_content],
    )
    name = models.CharField(_("name"), max_length=255, blank=True)
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("directive file")
        verbose_name_plural = _("directive files")

    def __str__(self) -> str:
        return self.name or self.file.name or ""


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
        indexes = [models.Index(fields=["unit", "task"], name="tasks_assignment_unit_task")]

    def __str__(self) -> str:
        return f"{self.get_role_display()}: {self.unit}"


# Figures a progress report may carry, with their type; anything else is refused.
PROGRESS_FIGURES: dict[str, Any] = {
    "land_donated_m2": _("land donated (m²)"),
    "workdays": _("workdays contributed"),
    "meetings_held": _("meetings held"),
    "people_reached": _("people reached"),
    "models_recognised": _("“Dân vận khéo” models recognised"),
    "money_vnd": _("money contributed (VND)"),
}


class ReportState(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")
    APPROVED = "approved", _("Approved")
    RETURNED = "returned", _("Returned")


class ProgressReport(models.Model):
    task = models.ForeignKey(
        Task, verbose_name=_("task"), on_delete=models.CASCADE, related_name="progress_reports"
    )
    unit = models.ForeignKey(
        Unit,
        verbose_name=_("reporting unit"),
        on_delete=models.PROTECT,
        related_name="progress_reports",
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="progress_reports",
    )
    reported_on = models.DateField(_("reported on"))
    text = models.TextField(_("text"))
    percent = models.PositiveSmallIntegerField(
        _("progress (%)"), validators=[MinValueValidator(0), MaxValueValidator(100)]
    )
    figures = models.JSONField(_("figures"), default=dict, blank=True)
    state = models.CharField(
        _("state"), max_length=20, choices=ReportState.choices, default=ReportState.SUBMITTED
    )
    return_reason = models.TextField(_("reason for returning"), blank=True)
    client_id = models.CharField(_("client id"), max_length=64, null=True, blank=True, unique=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("progress report")
        verbose_name_plural = _("progress reports")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(percent__lte=100), name="tasks_report_percent_max")
        ]

    def __str__(self) -> str:
        return f"{self.task_id}: {self.percent}%"


class ProgressEvidence(models.Model):
    report = models.ForeignKey(
        ProgressReport, verbose_name=_("report"), on_delete=models.CASCADE, related_name="evidence"
    )
    file = models.FileField(
        _("file"),
        upload_to=RandomName("evidence/%Y/%m/"),
        validators=[validate_file_content],
    )
    name = models.CharField(_("name"), max_length=255, blank=True)
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("evidence file")
        verbose_name_plural = _("evidence files")

    def __str__(self) -> str:
        return self.name or self.file.name or ""


class TaskEvent(models.Model):
    """The timeline: one row per write, in the same transaction (who, when, what)."""

    task = models.ForeignKey(
        Task,
        verbose_name=_("task"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="events",
    )
    meeting = models.ForeignKey(
        Meeting,
        verbose_name=_("meeting"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="events",
    )
    directive = models.ForeignKey(
        Directive,
        verbose_name=_("directive"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="events",
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    at = models.DateTimeField(_("at"), auto_now_add=True)
    action = models.CharField(_("action"), max_length=40)
    data = models.JSONField(_("data"), default=dict, blank=True)

    class Meta:
        verbose_name = _("event")
        verbose_name_plural = _("events")
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["task", "at"], name="tasks_event_task_at")]

    def __str__(self) -> str:
        return f"{self.at:%d/%m/%Y %H:%M} {self.action}"
