"""
REST API for directives, meetings and tasks: thin serializers and viewsets over the
selectors (reads) and services (writes).

Conventions shared with the other apps:
- Create is idempotent: a `client_id` in the body or an `Idempotency-Key` header; a retry
  returns the first result (200) instead of a duplicate (201).
- Reads send an ETag ("<id>-<version>"); a write with a stale If-Match gets 412.
- `GET /tasks/sync/?updated_since=…` gives changed rows and deleted ids in a stable order.
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Callable
from typing import Any

import django_filters
from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_field,
    extend_schema_serializer,
    inline_serializer,
)
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.parsers import MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from danvan.core.errors import ServiceError
from danvan.core.fields import CalendarDateField
from danvan.core.gates import WriteGateMixin, gate_create
from danvan.core.parsers import JSONParser
from danvan.core.text import folded_words_q
from danvan.core.timestamps import parse_client_datetime
from danvan.org.models import Unit, UnitLevel
from danvan.org.selectors import units_visible_to
from tasks import roles as actions
from tasks import selectors, services
from tasks.filters import TaskFilter
from tasks.models import (
    PROGRESS_FIGURES,
    Directive,
    DirectiveType,
    Meeting,
    MeetingConclusion,
    MeetingKind,
    Priority,
    ProgressReport,
    Recurrence,
    Task,
    TaskAssignment,
    TaskEvent,
    TaskStatus,
)

SYNC_LIMIT = 500
# An after_id above every id: "all rows at updated_since are already seen".
AFTER_ALL_IDS = 2**62


# --- Helpers ----------------------------------------------------------------------------------
@extend_schema_field(OpenApiTypes.INT)
class ScopedUnitField(serializers.PrimaryKeyRelatedField):
    """A unit id the requesting user may see; anything else reads as "does not exist"."""

    default_error_messages = {
        "does_not_exist": _("This unit does not exist or is outside your units."),
        "incorrect_type": _("Give the unit's numeric id."),
    }

    def get_queryset(self) -> QuerySet[Unit]:
        return units_visible_to(self.context["request"].user)


@extend_schema_field(OpenApiTypes.INT)
class DirectiveField(serializers.PrimaryKeyRelatedField):
    default_error_messages = {
        "does_not_exist": _("This directive document does not exist."),
        "incorrect_type": _("Give the document's numeric id."),
    }

    def get_queryset(self) -> QuerySet[Directive]:
        return selectors.directives_visible_to(self.context["request"].user)


def idempotency_key(request: Request, body_value: str | None) -> str | None:
    key = body_value or request.headers.get("Idempotency-Key") or None
    if key is not None and len(key) > 64:
        raise ServiceError(str(_("The client id is at most 64 characters.")), field="client_id")
    return key


def expected_version(request: Request, obj: Any) -> int | None:
    """The version named by If-Match ("<id>-<version>"), None when the header is absent."""
    header = request.headers.get("If-Match")
    if not header or header.strip() == "*":
        return None
    value = header.strip().removeprefix("W/").strip('"')
    obj_id, _sep, version = value.partition("-")
    if obj_id != str(obj.pk) or not version.isdigit():
        raise services.PreconditionFailed(
            str(_("The If-Match header does not name this record's current version; reload it."))
        )
    return int(version)


def with_etag(response: Response, obj: Any) -> Response:
    response["ETag"] = obj.etag
    return response


def created_or_replayed(obj: Any, started: datetime.datetime, data: Any) -> Response:
    code = status.HTTP_201_CREATED if obj.created_at >= started else status.HTTP_200_OK
    return with_etag(Response(data, status=code), obj)


def sync_response(
    request: Request,
    queryset: QuerySet[Any],
    serialize: Callable[[list[Any]], Any],
    deleted_since: Callable[[datetime.datetime, int], QuerySet[Any]] | None = None,
) -> Response:
    """
    Rows changed after the point (`updated_since`, `after_id`), oldest first, and ids deleted
    since then, in one stream ordered by (time, id). Call again with
    `updated_since=until&after_id=until_id` while `has_more` is true: rows sharing a timestamp
    (a cascade writes thousands at once) are neither skipped nor repeated.
    """
    raw = request.query_params.get("updated_since", "")
    since = parse_client_datetime(raw) if raw else None
    if since is None:
        raise ValidationError(
            {"updated_since": [_("Give a date and time like 2026-01-31T08:00:00+07:00.")]}
        )
    try:
        # Without after_id, rows at exactly `updated_since` count as already seen.
        after_id = int(request.query_params.get("after_id", AFTER_ALL_IDS))
    except ValueError:
        raise ValidationError({"after_id": [_("Give a whole number.")]}) from None
    after_id = min(max(after_id, 0), AFTER_ALL_IDS)
    try:
        limit = min(max(int(request.query_params.get("limit", SYNC_LIMIT)), 1), SYNC_LIMIT)
    except ValueError:
        raise ValidationError({"limit": [_("Give a whole number.")]}) from None
    after = Q(updated_at__gt=since) | Q(updated_at=since, id__gt=after_id)
    changed = list(queryset.filter(after).order_by("updated_at", "id")[: limit + 1])
    deleted = (
        list(
            deleted_since(since, after_id)
            .order_by("updated_at", "id")
            .values_list("updated_at", "id")[: limit + 1]
        )
        if deleted_since is not None
        else []
    )
    items = sorted(
        [(row.updated_at, row.pk, row) for row in changed] + [(at, pk, None) for at, pk in deleted],
        key=lambda item: (item[0], item[1]),
    )
    has_more = len(items) > limit
    page = items[:limit]
    return Response(
        {
            "changed": serialize([i[2] for i in page if i[2]]),
            "deleted": [i[1] for i in page if i[2] is None],
            "until": page[-1][0] if page else since,
            "until_id": page[-1][1] if page else after_id,
            "has_more": has_more,
        }
    )


SYNC_PARAMETERS = [
    OpenApiParameter("updated_since", datetime.datetime, required=True),
    OpenApiParameter(
        "after_id",
        int,
        description=str(_("With updated_since: the until_id of the previous answer.")),
    ),
    OpenApiParameter("limit", int),
]


def sync_schema(name: str, row: serializers.Serializer) -> Any:
    return inline_serializer(
        name,
        {
            "changed": row,
            "deleted": serializers.ListField(child=serializers.IntegerField()),
            "until": serializers.DateTimeField(),
            "until_id": serializers.IntegerField(),
            "has_more": serializers.BooleanField(),
        },
    )


class TaskEventSerializer(serializers.ModelSerializer):
    actor_name = serializers.CharField(source="actor.__str__", default=None, read_only=True)

    class Meta:
        model = TaskEvent
        fields = ["id", "at", "action", "actor", "actor_name", "data"]


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


class TaskUnitBriefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Unit
        fields = ["id", "code", "name"]


# --- Directives -------------------------------------------------------------------------------
class DirectiveBriefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Directive
        fields = ["id", "full_number", "title", "issued_on"]


class DirectiveSerializer(serializers.ModelSerializer):
    doc_type_display = serializers.CharField(source="get_doc_type_display", read_only=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    issuing_unit = TaskUnitBriefSerializer(read_only=True, allow_null=True)
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

    def get_files(self, directive: Directive) -> list[dict[str, str]]:
        return [{"name": f.name, "url": f.file.url} for f in directive.files.all()]


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


class DirectiveFilter(django_filters.FilterSet):
    doc_type = django_filters.ChoiceFilter(choices=DirectiveType.choices, label=_("type"))
    issuer = django_filters.CharFilter(field_name="issuer", label=_("issuer code"))
    number = django_filters.CharFilter(method="filter_number", label=_("document number"))
    search = django_filters.CharFilter(method="filter_search", label=_("search"))

    class Meta:
        model = Directive
        fields = ["doc_type", "issuer", "status"]

    def filter_number(self, queryset: QuerySet[Directive], name: str, value: str) -> Any:
        from tasks.numbering import ParseError, parse_document_number

        try:
            parsed = parse_document_number(value)
        except ParseError as exc:
            raise ValidationError({"number": [exc.message]}) from None
        queryset = queryset.filter(doc_type=parsed.type, number=parsed.number)
        if parsed.term:  # "Nghị quyết Trung ương 4 (khóa XII)" is not the one of khóa XI
            queryset = queryset.filter(term=parsed.term)
        return queryset.filter(issuer=parsed.issuer) if parsed.issuer else queryset

    def filter_search(self, queryset: QuerySet[Directive], name: str, value: str) -> Any:
        return queryset.filter(folded_words_q("search_text", value))


def _directive_queryset(user: Any) -> QuerySet[Directive]:
    brief = Directive.objects.only("id", "full_number", "title", "issued_on")
    return selectors.directives_visible_to(user).prefetch_related(
        Prefetch("implements", queryset=brief),
        Prefetch("implemented_by", queryset=brief),
        "files",
    )


class DirectiveViewSet(
    WriteGateMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Directive documents: readable by everyone signed in; recorded by supervisors."""

    serializer_class = DirectiveSerializer
    filterset_class = DirectiveFilter
    ordering = ("-id",)

    def get_queryset(self) -> QuerySet[Directive]:
        return _directive_queryset(self.request.user)

    write_gates = {
        "link": services.require_directive_manager,
        "replace": services.require_directive_manager,
        "files": services.require_directive_manager,
    }

    def get_object(self) -> Directive:
        selectors.directive_get_for(self.request.user, self.kwargs["pk"])
        return self.gate_write(self.get_queryset().get(pk=self.kwargs["pk"]))

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        directive = self.get_object()
        return with_etag(Response(self.get_serializer(directive).data), directive)

    @extend_schema(
        request=DirectiveCreateSerializer,
        responses={201: DirectiveSerializer, 200: DirectiveSerializer},
        parameters=[OpenApiParameter("Idempotency-Key", str, OpenApiParameter.HEADER)],
    )
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        gate_create(
            request.user,
            actions.MANAGE_DIRECTIVE,
            _("Only supervisors and administrators record directive documents."),
        )
        data = DirectiveCreateSerializer(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        values = data.validated_data
        started = timezone.now()
        directive = services.directive_create(
            actor=request.user,
            number_text=values["number"],
            title=values["title"],
            summary=values.get("summary", ""),
            signer=values.get("signer", ""),
            issued_on=values.get("issued_on"),
            issuer=values.get("issuer") or None,
            issuing_unit=values.get("issuing_unit"),
            implements=values.get("implements", []),
            client_id=idempotency_key(request, values.get("client_id")),
        )
        directive = self.get_queryset().get(pk=directive.pk)
        return created_or_replayed(directive, started, self.get_serializer(directive).data)

    @extend_schema(responses=TaskEventSerializer(many=True))
    @action(detail=True, methods=["get"], pagination_class=None, filterset_class=None)
    def timeline(self, request: Request, pk: str) -> Response:
        """Who recorded, linked, replaced the document or attached its files, and when."""
        directive = self.get_object()
        events = selectors.directive_timeline(directive)
        return Response(TaskEventSerializer(events, many=True).data)

    @extend_schema(
        parameters=SYNC_PARAMETERS,
        responses=sync_schema("DirectiveSync", DirectiveSerializer(many=True)),
    )
    @action(detail=False, methods=["get"])
    def sync(self, request: Request) -> Response:
        """Directive documents recorded or changed since a point (none is ever deleted)."""
        return sync_response(
            request,
            self.filter_queryset(self.get_queryset()),
            lambda rows: self.get_serializer(rows, many=True).data,
        )

    @extend_schema(responses=DirectiveBriefSerializer(many=True))
    @action(detail=True, methods=["get"], pagination_class=None)
    def implements(self, request: Request, pk: str) -> Response:
        """The higher documents this one carries out."""
        directive = self.get_object()
        return Response(DirectiveBriefSerializer(directive.implements.all(), many=True).data)

    @extend_schema(responses=DirectiveBriefSerializer(many=True))
    @action(detail=True, methods=["get"], url_path="implemented-by", pagination_class=None)
    def implemented_by(self, request: Request, pk: str) -> Response:
        """The documents that carry this one out."""
        directive = self.get_object()
        return Response(DirectiveBriefSerializer(directive.implemented_by.all(), many=True).data)

    @extend_schema(request=DirectiveLinkSerializer, responses=DirectiveSerializer)
    @action(detail=True, methods=["post"])
    def link(self, request: Request, pk: str) -> Response:
        """Record that this document implements the given higher documents."""
        directive = self.get_object()
        data = DirectiveLinkSerializer(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        services.check_version(directive, expected_version(request, directive))
        services.directive_link(
            actor=request.user, directive=directive, implements=data.validated_data["implements"]
        )
        directive = self.get_queryset().get(pk=directive.pk)
        return with_etag(Response(self.get_serializer(directive).data), directive)

    @extend_schema(request=DirectiveReplaceSerializer, responses=DirectiveSerializer)
    @action(detail=True, methods=["post"])
    def replace(self, request: Request, pk: str) -> Response:
        """Mark this document replaced by a newer one."""
        directive = self.get_object()
        data = DirectiveReplaceSerializer(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        services.check_version(directive, expected_version(request, directive))
        services.directive_replace(
            actor=request.user,
            directive=directive,
            replaced_by=data.validated_data["replaced_by"],
        )
        directive = self.get_queryset().get(pk=directive.pk)
        return with_etag(Response(self.get_serializer(directive).data), directive)

    @extend_schema(
        request={"multipart/form-data": DirectiveFileSerializer},
        responses={201: DirectiveSerializer},
    )
    @action(detail=True, methods=["post"], parser_classes=[MultiPartParser])
    def files(self, request: Request, pk: str) -> Response:
        """Attach the document's file (scan, PDF)."""
        directive = self.get_object()
        data = DirectiveFileSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.directive_attach_file(
            actor=request.user, directive=directive, file=data.validated_data["file"]
        )
        directive = self.get_queryset().get(pk=directive.pk)
        return with_etag(
            Response(self.get_serializer(directive).data, status=status.HTTP_201_CREATED),
            directive,
        )


# --- Tasks ----------------------------------------------------------------------------------
class TaskAssignmentSerializer(serializers.ModelSerializer):
    unit = TaskUnitBriefSerializer(read_only=True)
    role_display = serializers.CharField(source="get_role_display", read_only=True)

    class Meta:
        model = TaskAssignment
        fields = ["id", "unit", "role", "role_display", "due_on", "report", "reported_at"]


class TaskSerializer(serializers.ModelSerializer):
    status = serializers.ChoiceField(choices=TaskStatus.choices, read_only=True)
    status_display = serializers.SerializerMethodField()
    rollup_percent = serializers.FloatField(read_only=True, allow_null=True)
    issuing_unit = TaskUnitBriefSerializer(read_only=True)
    lead_unit = TaskUnitBriefSerializer(read_only=True)
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

    def get_status_display(self, task: Task) -> str:
        return str(TaskStatus(task.status).label)  # type: ignore[attr-defined]


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
    unit = TaskUnitBriefSerializer(read_only=True)
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

    def get_evidence(self, report: ProgressReport) -> list[dict[str, str]]:
        return [{"name": e.name, "url": e.file.url} for e in report.evidence.all()]


class TaskReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(label=_("reason"), max_length=5000)


class TaskViewSet(
    WriteGateMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """Tasks of the user's units: issued by them, led by them or coordinated by them."""

    serializer_class = TaskSerializer
    filterset_class = TaskFilter
    ordering = ("-id",)
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def get_queryset(self) -> QuerySet[Task]:
        return selectors.task_list_for(self.request.user, today=timezone.localdate())

    write_gates = {
        "partial_update": services.require_task_issuer,
        "destroy": services.require_task_issuer,
        "approve": services.require_task_issuer,
        "return_": services.require_task_issuer,
        "cancel": services.require_task_issuer,
        "next_occurrence": services.require_task_issuer,
        "cascade": services.require_task_lead,
        "progress": services.require_task_reporter,
    }

    def get_object(self) -> Task:
        selectors.task_get_for(self.request.user, self.kwargs["pk"])
        return self.gate_write(self.get_queryset().get(pk=self.kwargs["pk"]))

    def _respond(self, task: Task, code: int = status.HTTP_200_OK) -> Response:
        task = self.get_queryset().get(pk=task.pk)
        return with_etag(Response(self.get_serializer(task).data, status=code), task)

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return self._respond(self.get_object())

    @extend_schema(
        request=TaskCreateSerializer,
        responses={201: TaskSerializer, 200: TaskSerializer},
        parameters=[OpenApiParameter("Idempotency-Key", str, OpenApiParameter.HEADER)],
    )
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        gate_create(
            request.user, actions.MANAGE_TASK, _("Only the issuing unit's leaders give tasks.")
        )
        data = TaskCreateSerializer(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        values = data.validated_data
        parent = None
        if values.get("parent"):
            try:
                parent = selectors.task_get_for(request.user, values["parent"])
            except Exception:
                raise ValidationError({"parent": [_("This task does not exist.")]}) from None
        started = timezone.now()
        task = services.task_create(
            actor=request.user,
            title=values["title"],
            description=values.get("description", ""),
            issuing_unit=values["issuing_unit"],
            lead_unit=values["lead_unit"],
            coordinating_units=values.get("coordinating_units", []),
            coordinating_due_on={
                row["unit"].pk: row["due_on"] for row in values.get("coordinating_due_dates", [])
            },
            deadline=data.deadline(),
            priority=values.get("priority", Priority.NORMAL),
            recurrence=values.get("recurrence", Recurrence.NONE),
            directive=values.get("directive"),
            parent=parent,
            client_id=idempotency_key(request, values.get("client_id")),
        )
        task = self.get_queryset().get(pk=task.pk)
        return created_or_replayed(task, started, self.get_serializer(task).data)

    @extend_schema(
        request=TaskUpdateSerializer,
        responses=TaskSerializer,
        parameters=[OpenApiParameter("If-Match", str, OpenApiParameter.HEADER)],
    )
    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        task = self.get_object()
        data = TaskUpdateSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        has_deadline = "due_on" in values or "period" in values
        values.pop("due_on", None)
        values.pop("period", None)
        task = services.task_update(
            actor=request.user,
            task=task,
            expected_version=expected_version(request, task),
            deadline=data.deadline() if has_deadline else None,
            **values,
        )
        return self._respond(task)

    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        if not kwargs.get("partial"):
            return Response(
                {"code": "method_not_allowed", "message": _("Use PATCH."), "fields": {}},
                status=status.HTTP_405_METHOD_NOT_ALLOWED,
            )
        return super().update(request, *args, **kwargs)

    def destroy(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        task = self.get_object()
        services.task_delete(
            actor=request.user, task=task, expected_version=expected_version(request, task)
        )
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(
        request=TaskCascadeSerializer,
        responses={
            201: inline_serializer(
                "CascadeResult",
                {"created": serializers.IntegerField(), "parent": TaskSerializer()},
            )
        },
    )
    @action(detail=True, methods=["post"])
    def cascade(self, request: Request, pk: str) -> Response:
        """Give the task to every unit of a level below the lead unit, as sub-tasks."""
        task = self.get_object()
        data = TaskCascadeSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.check_version(task, expected_version(request, task))
        children = services.task_cascade(
            actor=request.user, task=task, level=data.validated_data["level"]
        )
        task = self.get_queryset().get(pk=task.pk)
        return with_etag(
            Response(
                {"created": len(children), "parent": self.get_serializer(task).data},
                status=status.HTTP_201_CREATED,
            ),
            task,
        )

    @extend_schema(
        methods=["post"],
        # JSON; multipart too (to carry evidence files), documented in docs/api.md only.
        request={"application/json": TaskProgressJSONSerializer},
        responses={201: ProgressReportSerializer, 200: ProgressReportSerializer},
    )
    @extend_schema(methods=["get"], responses=ProgressReportSerializer(many=True))
    @action(
        detail=True,
        methods=["get", "post"],
        parser_classes=[JSONParser, MultiPartParser],
        pagination_class=None,
        filterset_class=None,
    )
    def progress(self, request: Request, pk: str) -> Response:
        """GET the progress reports; POST a report (JSON, or multipart with evidence files)."""
        task = self.get_object()
        if request.method == "GET":
            reports = selectors.progress_reports_of(task)
            return Response(ProgressReportSerializer(reports, many=True).data)
        data = TaskProgressSerializer(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        values = data.validated_data
        started = timezone.now()
        report = services.progress_report_submit(
            actor=request.user,
            task=task,
            text=values["text"],
            percent=values["percent"],
            unit=values.get("unit"),
            figures=values.get("figures"),
            files=values.get("evidence", []),
            reported_on=values.get("reported_on"),
            client_id=idempotency_key(request, values.get("client_id")),
        )
        report = selectors.progress_reports_of(task).get(pk=report.pk)
        # A retry with the same client id gets the first report back: 200, as for other creates.
        code = status.HTTP_201_CREATED if report.created_at >= started else status.HTTP_200_OK
        return Response(ProgressReportSerializer(report).data, status=code)

    @extend_schema(request=None, responses=TaskSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request: Request, pk: str) -> Response:
        """The issuer accepts the lead unit's completion report."""
        task = self.get_object()
        task = services.task_approve(
            actor=request.user, task=task, expected_version=expected_version(request, task)
        )
        return self._respond(task)

    @extend_schema(request=TaskReasonSerializer, responses=TaskSerializer)
    @action(detail=True, methods=["post"], url_path="return")
    def return_(self, request: Request, pk: str) -> Response:
        """The issuer sends the completion back, with a reason."""
        task = self.get_object()
        data = TaskReasonSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        task = services.task_return(
            actor=request.user,
            task=task,
            reason=data.validated_data["reason"],
            expected_version=expected_version(request, task),
        )
        return self._respond(task)

    @extend_schema(request=TaskReasonSerializer, responses=TaskSerializer)
    @action(detail=True, methods=["post"])
    def cancel(self, request: Request, pk: str) -> Response:
        task = self.get_object()
        data = TaskReasonSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        task = services.task_cancel(
            actor=request.user,
            task=task,
            reason=data.validated_data["reason"],
            expected_version=expected_version(request, task),
        )
        return self._respond(task)

    @extend_schema(request=None, responses={201: TaskSerializer})
    @action(detail=True, methods=["post"], url_path="next-occurrence")
    def next_occurrence(self, request: Request, pk: str) -> Response:
        """Create (or return) the next occurrence of a repeating task."""
        task = self.get_object()
        following = services.task_create_next_occurrence(actor=request.user, task=task)
        return self._respond(following, status.HTTP_201_CREATED)

    @extend_schema(responses=TaskEventSerializer(many=True))
    @action(detail=True, methods=["get"], pagination_class=None, filterset_class=None)
    def timeline(self, request: Request, pk: str) -> Response:
        task = self.get_object()
        return Response(TaskEventSerializer(selectors.task_timeline(task), many=True).data)

    @extend_schema(
        parameters=SYNC_PARAMETERS, responses=sync_schema("TaskSync", TaskSerializer(many=True))
    )
    @action(detail=False, methods=["get"])
    def sync(self, request: Request) -> Response:
        """Tasks changed or deleted since a point; see `sync_response`."""
        user = request.user
        return sync_response(
            request,
            self.filter_queryset(self.get_queryset()),
            lambda rows: self.get_serializer(rows, many=True).data,
            lambda since, after_id: selectors.tasks_deleted_since(user, since, after_id=after_id),
        )


# --- Meetings -------------------------------------------------------------------------------
class MeetingConclusionSerializer(serializers.ModelSerializer):
    tasks = serializers.SerializerMethodField()

    class Meta:
        model = MeetingConclusion
        fields = ["id", "number", "text", "tasks"]

    def get_tasks(self, conclusion: MeetingConclusion) -> list[int]:
        return [t.pk for t in conclusion.tasks.all()]


class MeetingSerializer(serializers.ModelSerializer):
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    organising_unit = TaskUnitBriefSerializer(read_only=True)
    participating_units = TaskUnitBriefSerializer(many=True, read_only=True)
    bridge_points = TaskUnitBriefSerializer(many=True, read_only=True)
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


class MeetingFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(choices=MeetingKind.choices, label=_("kind"))
    starts_from = django_filters.DateFilter(
        field_name="starts_on", lookup_expr="gte", label=_("from")
    )
    starts_to = django_filters.DateFilter(field_name="starts_on", lookup_expr="lte", label=_("to"))
    search = django_filters.CharFilter(
        method="filter_search", label=_("search (title, place, chair; accents optional)")
    )

    class Meta:
        model = Meeting
        fields = ["kind"]

    def filter_search(self, queryset: Any, name: str, value: str) -> Any:
        return queryset.filter(folded_words_q("search_text", value))


class MeetingViewSet(
    WriteGateMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Meetings of the user's units (organised there or attended by them)."""

    serializer_class = MeetingSerializer
    filterset_class = MeetingFilter
    ordering = ("-id",)
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self) -> QuerySet[Meeting]:
        brief_units = Unit.objects.only("id", "code", "name")
        conclusions = MeetingConclusion.objects.order_by("number").prefetch_related(
            Prefetch("tasks", queryset=Task.objects.alive().only("id", "conclusion_id"))
        )
        return (
            selectors.meetings_visible_to(self.request.user)
            .select_related("organising_unit")
            .prefetch_related(
                Prefetch("participating_units", queryset=brief_units),
                Prefetch("bridge_points", queryset=brief_units),
                Prefetch(
                    "directives_cited",
                    queryset=Directive.objects.only("id", "full_number", "title", "issued_on"),
                ),
                Prefetch("conclusions", queryset=conclusions),
            )
        )

    write_gates = {
        "partial_update": services.require_meeting_organiser,
        "conclusions": services.require_meeting_organiser,
    }

    def get_object(self) -> Meeting:
        selectors.meeting_get_for(self.request.user, self.kwargs["pk"])
        return self.gate_write(self.get_queryset().get(pk=self.kwargs["pk"]))

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        meeting = self.get_object()
        return with_etag(Response(self.get_serializer(meeting).data), meeting)

    @extend_schema(
        request=MeetingCreateSerializer,
        responses={201: MeetingSerializer, 200: MeetingSerializer},
        parameters=[OpenApiParameter("Idempotency-Key", str, OpenApiParameter.HEADER)],
    )
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        gate_create(
            request.user,
            actions.MANAGE_MEETING,
            _("Only the organising unit's leaders record its meetings."),
        )
        data = MeetingCreateSerializer(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        started = timezone.now()
        values["client_id"] = idempotency_key(request, values.get("client_id"))
        meeting = services.meeting_create(actor=request.user, **values)
        meeting = self.get_queryset().get(pk=meeting.pk)
        return created_or_replayed(meeting, started, self.get_serializer(meeting).data)

    @extend_schema(
        request=MeetingUpdateSerializer,
        responses=MeetingSerializer,
        parameters=[OpenApiParameter("If-Match", str, OpenApiParameter.HEADER)],
    )
    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Change what was recorded (minutes, dates, units); send If-Match with the ETag."""
        meeting = self.get_object()
        data = MeetingUpdateSerializer(
            data=request.data, partial=True, context=self.get_serializer_context()
        )
        data.is_valid(raise_exception=True)
        meeting = services.meeting_update(
            actor=request.user,
            meeting=meeting,
            expected_version=expected_version(request, meeting),
            **data.validated_data,
        )
        meeting = self.get_queryset().get(pk=meeting.pk)
        return with_etag(Response(self.get_serializer(meeting).data), meeting)

    @extend_schema(responses=TaskEventSerializer(many=True))
    @action(detail=True, methods=["get"], pagination_class=None, filterset_class=None)
    def timeline(self, request: Request, pk: str) -> Response:
        """Who recorded the meeting, added conclusions, turned them into tasks, and when."""
        meeting = self.get_object()
        return Response(TaskEventSerializer(selectors.meeting_timeline(meeting), many=True).data)

    @extend_schema(
        parameters=SYNC_PARAMETERS,
        responses=sync_schema("MeetingSync", MeetingSerializer(many=True)),
    )
    @action(detail=False, methods=["get"])
    def sync(self, request: Request) -> Response:
        """Meetings recorded or changed since a point (none is ever deleted)."""
        return sync_response(
            request,
            self.filter_queryset(self.get_queryset()),
            lambda rows: self.get_serializer(rows, many=True).data,
        )

    @extend_schema(request=ConclusionTextSerializer, responses={201: MeetingConclusionSerializer})
    @action(detail=True, methods=["post"])
    def conclusions(self, request: Request, pk: str) -> Response:
        """Add the next numbered conclusion."""
        meeting = self.get_object()
        data = ConclusionTextSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.check_version(meeting, expected_version(request, meeting))
        conclusion = services.meeting_add_conclusion(
            actor=request.user, meeting=meeting, text=data.validated_data["text"]
        )
        return Response(
            MeetingConclusionSerializer(conclusion).data, status=status.HTTP_201_CREATED
        )

    @extend_schema(request=ConclusionsToTasksSerializer, responses={201: TaskSerializer(many=True)})
    @action(
        detail=True,
        methods=["post"],
        url_path="conclusions-to-tasks",
        pagination_class=None,
        filterset_class=None,
    )
    def conclusions_to_tasks(self, request: Request, pk: str) -> Response:
        """Every conclusion not yet a task becomes task number N, in one step."""
        meeting = self.get_object()
        data = ConclusionsToTasksSerializer(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        values = data.validated_data
        services.check_version(meeting, expected_version(request, meeting))
        tasks = services.meeting_conclusions_to_tasks(
            actor=request.user,
            meeting=meeting,
            lead_unit=values["lead_unit"],
            issuing_unit=values.get("issuing_unit"),
            deadline=data.deadline(),
            priority=values.get("priority", Priority.NORMAL),
            coordinating_units=values.get("coordinating_units", []),
        )
        rows = selectors.task_list_for(request.user, today=timezone.localdate()).filter(
            pk__in=[t.pk for t in tasks]
        )
        return Response(
            TaskSerializer(rows.order_by("number"), many=True).data,
            status=status.HTTP_201_CREATED,
        )
