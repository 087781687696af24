"""
The serializers of directives, meetings and tasks: what a row, a detail and each write's input
look like. Thin: the rules live in tasks.services.
"""

from __future__ import annotations

import datetime
import json
from typing import Any

from django.db.models import QuerySet
from django.db.models.manager import BaseManager
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field, extend_schema_serializer
from rest_framework import serializers

from danvan.core.downloads import api_link
from danvan.core.fields import CalendarDateField
from danvan.core.records import AvailableActionsField
from danvan.org.models import Unit, UnitLevel
from danvan.org.serializers import ScopedUnitField, UnitRefSerializer
from tasks import selectors, services
from tasks.models import (
    PROGRESS_FIGURES,
    AssignmentRole,
    Directive,
    Meeting,
    MeetingConclusion,
    MeetingKind,
    Priority,
    ProgressReport,
    Recurrence,
    Task,
    TaskAssignment,
    TaskStatus,
)


@extend_schema_field(OpenApiTypes.INT)
class DirectiveField(serializers.PrimaryKeyRelatedField):
    default_error_messages = {
        "does_not_exist": _("This directive document does not exist."),
        "incorrect_type": _("Give the document's numeric id."),
    }

    def get_queryset(self) -> QuerySet[Directive]:
        return selectors.directives_visible_to(self.context["request"].user)


class DeadlineInputMixin(serializers.Serializer):
    due_on = CalendarDateField(label=_("due on"), required=False, allow_null=True)
    period = serializers.CharField(
        label=_("period"),
        required=False,
        allow_blank=True,
        max_length=100,
        help_text=_("“6 tháng cuối năm 2018”, “năm 2021” …"),
    )

    def deadline(self) -> services.Deadline:
        values = self.validated_data
        return services.Deadline(due_on=values.get("due_on"), period=values.get("period", ""))


class StoredFileSerializer(serializers.Serializer):
    """A file kept with a record: its name as sent, and the API address that downloads it."""

    name = serializers.CharField(read_only=True)
    url = serializers.CharField(
        read_only=True,
        help_text="The scoped download of the file (bytes), for whoever may see the record.",
    )


class DirectiveBriefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Directive
        fields = ["id", "full_number", "title", "issued_on"]


class DirectiveSerializer(serializers.ModelSerializer):
    doc_type_display = serializers.CharField(source="get_doc_type_display", read_only=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    issuing_unit = UnitRefSerializer(read_only=True, allow_null=True)
    implements = DirectiveBriefSerializer(many=True, read_only=True)
    implemented_by = DirectiveBriefSerializer(many=True, read_only=True)
    files = serializers.SerializerMethodField()

    class Meta:
        model = Directive
        fields = [
            "id",
            "full_number",
            "doc_type",
            "doc_type_display",
            "number",
            "issuer",
            "term",
            "issued_on",
            "issuing_unit",
            "signer",
            "title",
            "summary",
            "status",
            "status_display",
            "replaced_by",
            "implements",
            "implemented_by",
            "files",
            "client_id",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    @extend_schema_field(StoredFileSerializer(many=True))
    def get_files(self, directive: Directive) -> list[dict[str, str]]:
        return [
            {"name": f.name, "url": api_link(self.context, "directive-file", directive.pk, f.pk)}
            for f in directive.files.all()
        ]


class DirectiveCreateSerializer(serializers.Serializer):
    number = serializers.CharField(
        label=_("document number"),
        max_length=300,
        help_text=_("As written: “Chương trình hành động số 66-CTr/TU ngày 29/10/2013”."),
    )
    title = serializers.CharField(label=_("title"), max_length=500)
    summary = serializers.CharField(label=_("summary"), required=False, allow_blank=True)
    signer = serializers.CharField(
        label=_("signer"), required=False, allow_blank=True, max_length=150
    )
    issued_on = CalendarDateField(label=_("issued on"), required=False, allow_null=True)
    issuer = serializers.CharField(
        label=_("issuer code"), required=False, allow_blank=True, max_length=20
    )
    issuing_unit = ScopedUnitField(label=_("issuing unit"), required=False, allow_null=True)
    implements = DirectiveField(label=_("implements"), many=True, required=False)
    client_id = serializers.CharField(
        label=_("client id"), required=False, allow_blank=True, max_length=64
    )


class DirectiveLinkSerializer(serializers.Serializer):
    implements = DirectiveField(label=_("implements"), many=True)


class DirectiveReplaceSerializer(serializers.Serializer):
    replaced_by = DirectiveField(label=_("replaced by"))


class DirectiveFileSerializer(serializers.Serializer):
    file = serializers.FileField(label=_("file"), max_length=255)


class TaskAssignmentSerializer(serializers.ModelSerializer):
    unit = UnitRefSerializer(read_only=True)
    role_display = serializers.CharField(source="get_role_display", read_only=True)

    class Meta:
        model = TaskAssignment
        fields = ["id", "unit", "role", "role_display", "due_on", "report", "reported_at"]


class TaskListSerializer(serializers.ListSerializer):
    """Rows of tasks: the assignments of those not prefetched read in one query for all."""

    def to_representation(self, data: Any) -> list[Any]:
        rows = list(data.all() if isinstance(data, BaseManager) else data)
        child: Any = self.child
        if type(child) is TaskSerializer:
            child.fast_row().read_assignments(rows)
        return [child.to_representation(row) for row in rows]


class TaskSerializer(serializers.ModelSerializer):
    status = serializers.ChoiceField(choices=TaskStatus.choices, read_only=True)
    status_display = serializers.SerializerMethodField()
    rollup_percent = serializers.FloatField(read_only=True, allow_null=True)
    issuing_unit = UnitRefSerializer(read_only=True)
    lead_unit = UnitRefSerializer(read_only=True)
    assignments = TaskAssignmentSerializer(many=True, read_only=True)

    class Meta:
        model = Task
        fields = [
            "id",
            "number",
            "title",
            "description",
            "source_kind",
            "conclusion",
            "directive",
            "issuing_unit",
            "lead_unit",
            "assignments",
            "period_start",
            "due_on",
            "period_label",
            "priority",
            "parent",
            "recurrence",
            "previous_occurrence",
            "cancelled",
            "cancel_reason",
            "progress_percent",
            "rollup_percent",
            "status",
            "status_display",
            "awaiting_approval",
            "last_reported_at",
            "completed_on",
            "approved_at",
            "client_id",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields
        list_serializer_class = TaskListSerializer

    def get_status_display(self, task: Task) -> str:
        return str(TaskStatus(task.status).label)  # type: ignore[attr-defined]

    def fast_row(self) -> _FastTaskRow:
        row = self.__dict__.get("_fast_row")
        if row is None:
            row = self.__dict__["_fast_row"] = _FastTaskRow()
        return row

    def to_representation(self, instance: Task) -> dict[str, Any]:
        """
        A row, as DRF's field-by-field walk would give it (tests compare the two), without
        its cost: no serializer fields built per request, no attribute lookups through each
        field's source; the `{id, code, name}` of each unit and the labels of statuses and
        roles made once per serializer (a list's one child serves every row). A subclass
        that adds fields (the detail's `available_actions`) takes DRF's walk.
        """
        if type(self) is not TaskSerializer:
            return super().to_representation(instance)
        return self.fast_row()(instance)


class _FastTaskRow:
    """TaskSerializer's fields for one task, read straight from the model instance."""

    def __init__(self) -> None:
        self.tz = timezone.get_current_timezone()
        self.units: dict[int, dict[str, Any]] = {}
        self.status_labels = {value: str(label) for value, label in TaskStatus.choices}
        self.role_labels = {value: str(label) for value, label in AssignmentRole.choices}
        # Assignments read for a page of tasks without them prefetched: task id -> rows.
        self.assignments: dict[int, list[dict[str, Any]]] = {}

    def read_assignments(self, tasks: list[Task]) -> None:
        """The assignments of the tasks that have none prefetched: one query, no instances."""
        missing = [
            t.pk
            for t in tasks
            if "assignments" not in getattr(t, "_prefetched_objects_cache", {})
            and t.pk not in self.assignments
        ]
        if not missing:
            return
        rows = (
            TaskAssignment.objects.filter(task_id__in=missing)
            .order_by("task_id", "role", "id")
            .values_list(
                "task_id",
                "id",
                "role",
                "due_on",
                "report",
                "reported_at",
                "unit_id",
                "unit__code",
                "unit__name",
            )
        )
        found: dict[int, list[dict[str, Any]]] = {pk: [] for pk in missing}
        units = self.units
        for task_id, pk, role, due_on, report, reported_at, unit_id, code, name in rows:
            ref = units.get(unit_id)
            if ref is None:
                ref = units[unit_id] = {"id": unit_id, "code": code, "name": name}
            found[task_id].append(
                {
                    "id": pk,
                    "unit": dict(ref),
                    "role": role,
                    "role_display": self.role_labels.get(role, role),
                    "due_on": self.day(due_on),
                    "report": report,
                    "reported_at": self.moment(reported_at),
                }
            )
        self.assignments.update(found)

    def unit(self, unit: Unit) -> dict[str, Any]:
        ref = self.units.get(unit.pk)
        if ref is None:
            ref = self.units[unit.pk] = {"id": unit.pk, "code": unit.code, "name": unit.name}
        return dict(ref)

    def moment(self, value: datetime.datetime | None) -> str | None:
        """DRF's DateTimeField: in the current time zone, ISO 8601, "Z" for UTC."""
        if value is None:
            return None
        text = value.astimezone(self.tz).isoformat()
        return text[:-6] + "Z" if text.endswith("+00:00") else text

    @staticmethod
    def day(value: datetime.date | None) -> str | None:
        return None if value is None else value.isoformat()

    def assignment(self, a: TaskAssignment) -> dict[str, Any]:
        return {
            "id": a.pk,
            "unit": self.unit(a.unit),
            "role": a.role,
            "role_display": self.role_labels.get(a.role, a.role),
            "due_on": self.day(a.due_on),
            "report": a.report,
            "reported_at": self.moment(a.reported_at),
        }

    def assignments_of(self, t: Task) -> list[dict[str, Any]]:
        if "assignments" in getattr(t, "_prefetched_objects_cache", {}):
            return [self.assignment(a) for a in t.assignments.all()]
        read = self.assignments.get(t.pk)
        if read is None:  # a single row, not through the list
            self.read_assignments([t])
            read = self.assignments[t.pk]
        return read

    def __call__(self, t: Task) -> dict[str, Any]:
        status = t.__dict__["status"]
        rollup = t.__dict__.get("rollup_percent")
        return {
            "id": t.pk,
            "number": t.number,
            "title": t.title,
            "description": t.description,
            "source_kind": t.source_kind,
            "conclusion": t.conclusion_id,
            "directive": t.directive_id,
            "issuing_unit": self.unit(t.issuing_unit),
            "lead_unit": self.unit(t.lead_unit),
            "assignments": self.assignments_of(t),
            "period_start": self.day(t.period_start),
            "due_on": self.day(t.due_on),
            "period_label": t.period_label,
            "priority": t.priority,
            "parent": t.parent_id,
            "recurrence": t.recurrence,
            "previous_occurrence": t.previous_occurrence_id,
            "cancelled": t.cancelled,
            "cancel_reason": t.cancel_reason,
            "progress_percent": t.progress_percent,
            "rollup_percent": None if rollup is None else float(rollup),
            "status": status,
            "status_display": self.status_labels[status],
            "awaiting_approval": t.awaiting_approval,
            "last_reported_at": self.moment(t.last_reported_at),
            "completed_on": self.day(t.completed_on),
            "approved_at": self.moment(t.approved_at),
            "client_id": t.client_id,
            "version": t.version,
            "created_at": self.moment(t.created_at),
            "updated_at": self.moment(t.updated_at),
        }


class AssignmentDueSerializer(serializers.Serializer):
    unit = ScopedUnitField(label=_("unit"))
    due_on = CalendarDateField(label=_("due on"))


class TaskCreateSerializer(DeadlineInputMixin):
    title = serializers.CharField(label=_("title"), max_length=500)
    description = serializers.CharField(label=_("description"), required=False, allow_blank=True)
    issuing_unit = ScopedUnitField(label=_("issuing unit"))
    lead_unit = ScopedUnitField(label=_("lead unit"))
    coordinating_units = ScopedUnitField(label=_("coordinating units"), many=True, required=False)
    coordinating_due_dates = AssignmentDueSerializer(
        label=_("due dates of coordinating units"), many=True, required=False
    )
    priority = serializers.ChoiceField(
        label=_("priority"), choices=Priority.choices, required=False
    )
    recurrence = serializers.ChoiceField(
        label=_("repeats"), choices=Recurrence.choices, required=False, allow_blank=True
    )
    directive = DirectiveField(label=_("directive document"), required=False, allow_null=True)
    parent = serializers.IntegerField(  # type: ignore[assignment]
        label=_("parent task"), required=False, allow_null=True
    )
    client_id = serializers.CharField(
        label=_("client id"), required=False, allow_blank=True, max_length=64
    )


class TaskUpdateSerializer(DeadlineInputMixin):
    title = serializers.CharField(label=_("title"), max_length=500, required=False)
    description = serializers.CharField(label=_("description"), required=False, allow_blank=True)
    priority = serializers.ChoiceField(
        label=_("priority"), choices=Priority.choices, required=False
    )


class TaskCascadeSerializer(serializers.Serializer):
    level = serializers.ChoiceField(
        label=_("level"), choices=UnitLevel.choices, default=UnitLevel.COMMUNE
    )


class TaskProgressSerializer(serializers.Serializer):
    text = serializers.CharField(label=_("text"), max_length=10000)
    percent = serializers.IntegerField(label=_("progress (%)"), min_value=0, max_value=100)
    unit = ScopedUnitField(label=_("reporting unit"), required=False, allow_null=True)
    figures = serializers.JSONField(
        label=_("figures"),
        required=False,
        help_text=_("Known keys: %(keys)s.") % {"keys": ", ".join(PROGRESS_FIGURES)},
    )
    reported_on = CalendarDateField(label=_("reported on"), required=False)
    evidence = serializers.ListField(
        label=_("evidence files"),
        child=serializers.FileField(max_length=255),
        required=False,
        max_length=20,
    )
    client_id = serializers.CharField(
        label=_("client id"), required=False, allow_blank=True, max_length=64
    )

    def validate_figures(self, value: Any) -> Any:
        if isinstance(value, str):
            try:
                value = json.loads(value) if value.strip() else {}
            except ValueError:
                raise serializers.ValidationError(_("Figures must be valid JSON.")) from None
        return value

    def validate_reported_on(self, value: datetime.date) -> datetime.date:
        if value > timezone.localdate():
            raise serializers.ValidationError(_("A report cannot be dated in the future."))
        return value


@extend_schema_serializer(component_name="TaskProgress")
class TaskProgressJSONSerializer(TaskProgressSerializer):
    """
    A progress report (JSON). The endpoint also takes these fields as multipart to carry
    `evidence` files (`figures` then JSON-encoded), as docs/api.md says.
    """

    # The schema declares the JSON body only: generated clients (openapi-python-client)
    # cannot build an operation with two body types.

    evidence = None  # type: ignore[assignment]


class ProgressReportSerializer(serializers.ModelSerializer):
    unit = UnitRefSerializer(read_only=True)
    evidence = serializers.SerializerMethodField()
    author_name = serializers.CharField(source="author.__str__", default=None, read_only=True)

    class Meta:
        model = ProgressReport
        fields = [
            "id",
            "task",
            "unit",
            "author_name",
            "reported_on",
            "text",
            "percent",
            "figures",
            "state",
            "return_reason",
            "evidence",
            "client_id",
            "created_at",
        ]

    @extend_schema_field(StoredFileSerializer(many=True))
    def get_evidence(self, report: ProgressReport) -> list[dict[str, str]]:
        return [
            {
                "name": e.name,
                "url": api_link(self.context, "task-evidence-file", report.task_id, e.pk),
            }
            for e in report.evidence.all()
        ]


class EvidenceUploadSerializer(serializers.Serializer):
    report = serializers.IntegerField(label=_("progress report"), min_value=1)
    file = serializers.FileField(label=_("file"), max_length=255)


class TaskReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(label=_("reason"), max_length=5000)


class MeetingConclusionSerializer(serializers.ModelSerializer):
    tasks = serializers.SerializerMethodField()

    class Meta:
        model = MeetingConclusion
        fields = ["id", "number", "text", "tasks"]

    def get_tasks(self, conclusion: MeetingConclusion) -> list[int]:
        return [t.pk for t in conclusion.tasks.all()]


class MeetingSerializer(serializers.ModelSerializer):
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    organising_unit = UnitRefSerializer(read_only=True)
    participating_units = UnitRefSerializer(many=True, read_only=True)
    bridge_points = UnitRefSerializer(many=True, read_only=True)
    directives_cited = DirectiveBriefSerializer(many=True, read_only=True)
    conclusions = MeetingConclusionSerializer(many=True, read_only=True)

    class Meta:
        model = Meeting
        fields = [
            "id",
            "kind",
            "kind_display",
            "title",
            "starts_on",
            "ends_on",
            "place",
            "organising_unit",
            "chair_name",
            "chair",
            "participating_units",
            "bridge_points",
            "bridge_point_count",
            "agenda",
            "minutes",
            "directives_cited",
            "conclusions",
            "client_id",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class MeetingUpdateSerializer(serializers.Serializer):
    """What PATCH may change on a meeting; every field optional, conclusions excluded."""

    kind = serializers.ChoiceField(label=_("kind"), choices=MeetingKind.choices, required=False)
    title = serializers.CharField(label=_("title"), max_length=500, required=False)
    starts_on = CalendarDateField(label=_("starts on"), required=False, allow_null=True)
    ends_on = CalendarDateField(label=_("ends on"), required=False, allow_null=True)
    place = serializers.CharField(
        label=_("place"), required=False, allow_blank=True, max_length=255
    )
    chair_name = serializers.CharField(
        label=_("chair"), required=False, allow_blank=True, max_length=255
    )
    participating_units = serializers.PrimaryKeyRelatedField(
        label=_("participating units"),
        many=True,
        required=False,
        queryset=Unit.objects.filter(is_active=True),
    )
    bridge_points = serializers.PrimaryKeyRelatedField(
        label=_("online bridge points"),
        many=True,
        required=False,
        queryset=Unit.objects.filter(is_active=True),
    )
    bridge_point_count = serializers.IntegerField(
        label=_("number of bridge points"), required=False, min_value=0, max_value=100000
    )
    agenda = serializers.CharField(label=_("agenda"), required=False, allow_blank=True)
    minutes = serializers.CharField(label=_("minutes"), required=False, allow_blank=True)
    directives_cited = DirectiveField(label=_("documents cited"), many=True, required=False)


class MeetingCreateSerializer(MeetingUpdateSerializer):
    """A new meeting: the fields of an edit, with its kind, title and organiser required."""

    kind = serializers.ChoiceField(label=_("kind"), choices=MeetingKind.choices)
    title = serializers.CharField(label=_("title"), max_length=500)
    organising_unit = ScopedUnitField(label=_("organising unit"))
    conclusions = serializers.ListField(
        label=_("conclusions"),
        child=serializers.CharField(max_length=5000),
        required=False,
        max_length=200,
    )
    client_id = serializers.CharField(
        label=_("client id"), required=False, allow_blank=True, max_length=64
    )


class ConclusionTextSerializer(serializers.Serializer):
    text = serializers.CharField(label=_("text"), max_length=5000)


class ConclusionsToTasksSerializer(DeadlineInputMixin):
    lead_unit = ScopedUnitField(label=_("lead unit"))
    issuing_unit = ScopedUnitField(label=_("issuing unit"), required=False, allow_null=True)
    coordinating_units = ScopedUnitField(label=_("coordinating units"), many=True, required=False)
    priority = serializers.ChoiceField(
        label=_("priority"), choices=Priority.choices, required=False
    )


class TaskDetailSerializer(TaskSerializer):
    """A task's detail: its row, and the steps the person asking may take now."""

    available_actions = AvailableActionsField("tasks.workflow.TASK_WORKFLOW")

    class Meta(TaskSerializer.Meta):
        fields = [*TaskSerializer.Meta.fields, "available_actions"]
        read_only_fields = fields
