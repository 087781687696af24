"""Serializers of the movement's records: thin, validating input; the services decide."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from danvan.core.fields import CalendarDateField
from danvan.core.records import AvailableActionsField
from danvan.org.models import Unit
from danvan.org.serializers import ScopedUnitField, UnitRefSerializer
from movement.models import (
    Award,
    Dialogue,
    DialogueIssue,
    DropReason,
    Indicator,
    IndicatorReport,
    IndicatorValue,
    ModelEvidence,
    ModelField,
    MovementModel,
)


@extend_schema_field(OpenApiTypes.INT)
class AnyUnitField(serializers.PrimaryKeyRelatedField):
    """A recognising unit: the model's unit or one above it, which may be outside one's scope."""

    default_error_messages = {
        "does_not_exist": _("This unit does not exist."),
        "incorrect_type": _("Give the unit's numeric id."),
    }

    def get_queryset(self) -> QuerySet[Unit]:
        return Unit.objects.filter(is_active=True)


def year_field(label: Any, **kwargs: Any) -> serializers.IntegerField:
    return serializers.IntegerField(label=label, min_value=1945, max_value=2100, **kwargs)


FIGURES_HELP = _("An object of indicator code: number of zero or more (see /indicators/).")


@extend_schema_field({"type": "object", "additionalProperties": {"type": "number", "minimum": 0}})
class FiguresField(serializers.DictField):
    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("help_text", FIGURES_HELP)
        super().__init__(
            child=serializers.DecimalField(max_digits=17, decimal_places=2, min_value=0), **kwargs
        )

    def to_representation(self, value: Any) -> dict[str, Any]:
        return dict(value or {})


# --- Indicators -----------------------------------------------------------------------------
class IndicatorSerializer(serializers.ModelSerializer):
    aggregation_display = serializers.CharField(source="get_aggregation_display", read_only=True)

    class Meta:
        model = Indicator
        fields = ["id", "code", "name", "measure", "aggregation", "aggregation_display", "decimals"]
        read_only_fields = fields


# --- Models ---------------------------------------------------------------------------------
class ModelEvidenceSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField()

    class Meta:
        model = ModelEvidence
        fields = ["id", "original_name", "caption", "uploaded_at", "url"]
        read_only_fields = fields

    @extend_schema_field(OpenApiTypes.STR)
    def get_url(self, evidence: ModelEvidence) -> str:
        path = reverse("movement:evidence", args=[evidence.model_id, evidence.pk])
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request is not None else path


class MovementModelSerializer(serializers.ModelSerializer):
    unit = UnitRefSerializer(read_only=True)
    field_display = serializers.CharField(source="get_field_display", read_only=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    recognised_by = UnitRefSerializer(read_only=True, allow_null=True)
    recognition_level_display = serializers.CharField(
        source="get_recognition_level_display", read_only=True
    )
    award_display = serializers.CharField(source="get_award_display", read_only=True)
    figures = FiguresField(read_only=True)

    class Meta:
        model = MovementModel
        fields = [
            "id",
            "unit",
            "name",
            "name_known",
            "field",
            "field_display",
            "year_started",
            "year_ended",
            "status",
            "status_display",
            "recognised_by",
            "recognition_level",
            "recognition_level_display",
            "decision_number",
            "decision_date",
            "award",
            "award_display",
            "award_by",
            "last_reviewed_year",
            "figures",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class MovementModelDetailSerializer(MovementModelSerializer):
    evidence = ModelEvidenceSerializer(many=True, read_only=True)
    available_actions = AvailableActionsField("movement.workflow.MODEL_WORKFLOW")

    class Meta(MovementModelSerializer.Meta):
        fields = [
            *MovementModelSerializer.Meta.fields,
            "description",
            "participants",
            "results",
            "replicated_in",
            "drop_reason",
            "drop_note",
            "evidence",
            "available_actions",
        ]
        read_only_fields = fields


class ModelUpdateSerializer(serializers.Serializer):
    name = serializers.CharField(label=_("name"), max_length=500, required=False)
    field = serializers.ChoiceField(label=_("field"), choices=ModelField.choices, required=False)
    year_started = year_field(_("year started"), required=False)
    year_ended = year_field(_("year ended"), required=False, allow_null=True)
    description = serializers.CharField(
        label=_("description"), required=False, allow_blank=True, max_length=20000
    )
    participants = serializers.CharField(
        label=_("people and organisations taking part"),
        required=False,
        allow_blank=True,
        max_length=5000,
    )
    results = serializers.CharField(
        label=_("results"), required=False, allow_blank=True, max_length=20000
    )
    figures = FiguresField(label=_("figures"), required=False)


class ModelCreateSerializer(ModelUpdateSerializer):
    unit = ScopedUnitField(label=_("unit"))
    name = serializers.CharField(label=_("name"), max_length=500)
    field = serializers.ChoiceField(label=_("field"), choices=ModelField.choices)
    year_started = year_field(_("year started"))


class RecogniseSerializer(serializers.Serializer):
    recognising_unit = AnyUnitField(label=_("recognising unit"))
    decision_number = serializers.CharField(label=_("decision number"), max_length=100)
    decision_date = CalendarDateField(label=_("decision date"))
    award = serializers.ChoiceField(
        label=_("award"), choices=Award.choices, required=False, allow_blank=True, default=""
    )
    award_by = serializers.CharField(
        label=_("award given by"), required=False, allow_blank=True, max_length=255, default=""
    )


class ReplicateSerializer(serializers.Serializer):
    replicated_in = serializers.CharField(label=_("replicated in"), max_length=5000)


class DropSerializer(serializers.Serializer):
    reason = serializers.ChoiceField(label=_("reason dropped"), choices=DropReason.choices)
    note = serializers.CharField(
        label=_("why dropped"), required=False, allow_blank=True, max_length=5000, default=""
    )


class KeepSerializer(serializers.Serializer):
    year = year_field(_("year of the review"))
    note = serializers.CharField(
        label=_("note"), required=False, allow_blank=True, max_length=5000, default=""
    )


class EvidenceSerializer(serializers.Serializer):
    file = serializers.FileField(label=_("file"), max_length=255)
    caption = serializers.CharField(
        label=_("caption"), required=False, allow_blank=True, max_length=255, default=""
    )


class ReviewManySerializer(serializers.Serializer):
    models = serializers.ListField(
        label=_("models"),
        child=serializers.IntegerField(min_value=1, max_value=2**53),
        min_length=1,
        max_length=500,
    )
    year = year_field(_("year of the review"))
    outcome = serializers.ChoiceField(
        label=_("outcome"), choices=[("keep", _("Keep")), ("drop", _("Drop"))]
    )
    reason = serializers.ChoiceField(
        label=_("reason dropped"), choices=DropReason.choices, required=False, allow_blank=True
    )
    note = serializers.CharField(
        label=_("note"), required=False, allow_blank=True, max_length=5000, default=""
    )


# --- Indicator reports ----------------------------------------------------------------------
class IndicatorValueSerializer(serializers.ModelSerializer):
    indicator = serializers.CharField(source="indicator.code", read_only=True)
    recorded_by = serializers.IntegerField(source="recorded_by_id", read_only=True, allow_null=True)

    class Meta:
        model = IndicatorValue
        fields = ["indicator", "value", "current", "recorded_by", "recorded_at", "reason"]
        read_only_fields = fields


class IndicatorReportSerializer(serializers.ModelSerializer):
    unit = UnitRefSerializer(read_only=True)
    source_display = serializers.CharField(source="get_source_display", read_only=True)
    values = serializers.SerializerMethodField()

    class Meta:
        model = IndicatorReport
        fields = [
            "id",
            "unit",
            "period_start",
            "period_end",
            "period_label",
            "source",
            "source_display",
            "progress_report",
            "note",
            "values",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    @extend_schema_field(
        {"type": "object", "additionalProperties": {"type": "string", "format": "decimal"}}
    )
    def get_values(self, report: IndicatorReport) -> dict[str, str]:
        """The current figure of each indicator reported (code: value)."""
        return {v.indicator.code: str(v.value) for v in report.values.all() if v.current}


class IndicatorReportDetailSerializer(IndicatorReportSerializer):
    history = serializers.SerializerMethodField()
    available_actions = AvailableActionsField("movement.workflow.REPORT_WORKFLOW")

    class Meta(IndicatorReportSerializer.Meta):
        fields = [*IndicatorReportSerializer.Meta.fields, "history", "available_actions"]
        read_only_fields = fields

    @extend_schema_field(IndicatorValueSerializer(many=True))
    def get_history(self, report: IndicatorReport) -> Any:
        """Every value ever recorded, corrections included, oldest first."""
        rows = sorted(report.values.all(), key=lambda v: v.pk)
        return IndicatorValueSerializer(rows, many=True).data


class ReportCreateSerializer(serializers.Serializer):
    unit = ScopedUnitField(label=_("unit"))
    period_start = CalendarDateField(label=_("period from"))
    period_end = CalendarDateField(label=_("period to"))
    period_label = serializers.CharField(
        label=_("period"), required=False, allow_blank=True, max_length=100, default=""
    )
    values = FiguresField(label=_("figures"))
    note = serializers.CharField(
        label=_("note"), required=False, allow_blank=True, max_length=5000, default=""
    )


class ReportCorrectSerializer(serializers.Serializer):
    values = FiguresField(label=_("figures"))
    reason = serializers.CharField(label=_("reason for the correction"), max_length=500)


class RollupQuerySerializer(serializers.Serializer):
    unit = serializers.IntegerField(label=_("unit"), required=False, min_value=1, max_value=2**53)
    year = year_field(_("year"))


class RollupUnitSerializer(serializers.Serializer):
    unit = UnitRefSerializer()
    value = serializers.DecimalField(max_digits=20, decimal_places=2)


class RollupRowSerializer(serializers.Serializer):
    indicator = IndicatorSerializer()
    total = serializers.DecimalField(max_digits=20, decimal_places=2, allow_null=True)
    by_unit = serializers.SerializerMethodField()

    @extend_schema_field(RollupUnitSerializer(many=True))
    def get_by_unit(self, row: Any) -> Any:
        return RollupUnitSerializer(
            [{"unit": u, "value": v} for u, v in row.by_unit], many=True
        ).data


class RollupSerializer(serializers.Serializer):
    unit = UnitRefSerializer()
    year = serializers.IntegerField()
    indicators = RollupRowSerializer(many=True)


# --- Dialogues ------------------------------------------------------------------------------
class DialogueIssueSerializer(serializers.ModelSerializer):
    outcome = serializers.CharField(read_only=True)

    class Meta:
        model = DialogueIssue
        fields = [
            "number",
            "text",
            "raised_by",
            "answer",
            "answered_at",
            "resolved",
            "petition",
            "task",
            "outcome",
        ]
        read_only_fields = fields


class DialogueSerializer(serializers.ModelSerializer):
    unit = UnitRefSerializer(read_only=True)
    issues = DialogueIssueSerializer(many=True, read_only=True)

    class Meta:
        model = Dialogue
        fields = [
            "id",
            "unit",
            "held_on",
            "leader_name",
            "leader_title",
            "place",
            "participants_count",
            "topics",
            "summary",
            "issues",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class DialogueDetailSerializer(DialogueSerializer):
    available_actions = AvailableActionsField("movement.workflow.DIALOGUE_WORKFLOW")

    class Meta(DialogueSerializer.Meta):
        fields = [*DialogueSerializer.Meta.fields, "available_actions"]
        read_only_fields = fields


class DialogueUpdateSerializer(serializers.Serializer):
    held_on = CalendarDateField(label=_("held on"), required=False)
    leader_name = serializers.CharField(label=_("leader"), max_length=255, required=False)
    leader_title = serializers.CharField(
        label=_("leader's post"), max_length=255, required=False, allow_blank=True
    )
    place = serializers.CharField(
        label=_("place"), max_length=255, required=False, allow_blank=True
    )
    participants_count = serializers.IntegerField(
        label=_("participants"), min_value=0, max_value=1_000_000, required=False
    )
    topics = serializers.CharField(
        label=_("topics"), required=False, allow_blank=True, max_length=20000
    )
    summary = serializers.CharField(
        label=_("summary"), required=False, allow_blank=True, max_length=20000
    )


class DialogueCreateSerializer(DialogueUpdateSerializer):
    unit = ScopedUnitField(label=_("unit"))
    held_on = CalendarDateField(label=_("held on"))
    leader_name = serializers.CharField(label=_("leader"), max_length=255)
    issues = serializers.ListField(
        label=_("issues raised"),
        child=serializers.CharField(max_length=5000),
        required=False,
        max_length=200,
    )


class IssueRaiseSerializer(serializers.Serializer):
    text = serializers.CharField(label=_("what was raised"), max_length=5000)
    raised_by = serializers.CharField(
        label=_("raised by"), required=False, allow_blank=True, max_length=255, default=""
    )


class IssueNumberSerializer(serializers.Serializer):
    number = serializers.IntegerField(label=_("issue number"), min_value=1, max_value=32767)


class IssueToPetitionSerializer(IssueNumberSerializer):
    kind = serializers.ChoiceField(
        label=_("kind"),
        choices=[("recommendation", _("Recommendation")), ("feedback", _("Feedback"))],
    )
    receiving_unit = ScopedUnitField(label=_("receiving unit"), required=False, allow_null=True)


class IssueToTaskSerializer(IssueNumberSerializer):
    lead_unit = ScopedUnitField(label=_("lead unit"))
    due_on = CalendarDateField(label=_("due on"), required=False, allow_null=True)


class IssueAnswerSerializer(IssueNumberSerializer):
    answer = serializers.CharField(label=_("answer"), max_length=20000)
    resolved = serializers.BooleanField(label=_("resolved"), required=False, default=False)
