"""
REST API of the movement: "Dân vận khéo" models, indicator reports with their roll-up, and
dialogues — thin viewsets over the selectors and services, with the one record contract
(danvan.core.records); their steps are declared in movement.workflow.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.db import transaction
from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from danvan.core.gates import gate_create
from danvan.core.records import IDEMPOTENCY_KEY, IF_MATCH, RecordViewSetMixin, record_api
from danvan.core.versions import expected_version
from danvan.org.selectors import unit_get_for
from movement import roles as actions
from movement import selectors, services
from movement.filters import DialogueFilter, IndicatorReportFilter, MovementModelFilter
from movement.models import (
    Dialogue,
    DialogueIssue,
    IndicatorReport,
    IndicatorValue,
    ModelEvidence,
    MovementEvent,
    MovementModel,
)
from movement.serializers import (
    DialogueCreateSerializer,
    DialogueDetailSerializer,
    DialogueSerializer,
    DialogueUpdateSerializer,
    IndicatorReportDetailSerializer,
    IndicatorReportSerializer,
    IndicatorSerializer,
    ModelCreateSerializer,
    ModelUpdateSerializer,
    MovementModelDetailSerializer,
    MovementModelSerializer,
    ReportCreateSerializer,
    ReviewManySerializer,
    RollupQuerySerializer,
    RollupSerializer,
)
from movement.workflow import DIALOGUE_WORKFLOW, EVENT_NAMES, MODEL_WORKFLOW, REPORT_WORKFLOW


def _made(record: Any) -> tuple[Any, bool]:
    return record, True


# --- Models ---------------------------------------------------------------------------------
@record_api(
    name="MovementModel",
    detail=MovementModelDetailSerializer,
    row=MovementModelSerializer,
    workflow=MODEL_WORKFLOW,
)
class MovementModelViewSet(
    RecordViewSetMixin,
    mixins.ListModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """The register of "Dân vận khéo" models of the person's units, newest first."""

    serializer_class = MovementModelSerializer
    filterset_class = MovementModelFilter
    ordering = ("-id",)
    http_method_names = ["get", "post", "patch", "head", "options"]
    action_names = EVENT_NAMES

    def get_queryset(self) -> QuerySet[MovementModel]:
        queryset = selectors.models_visible_to(self.request.user).select_related(
            "unit", "recognised_by"
        )
        if self.action in ("retrieve", "partial_update") or self.action in MODEL_WORKFLOW.names:
            queryset = queryset.prefetch_related(
                Prefetch("evidence", queryset=ModelEvidence.objects.order_by("id"))
            )
        return queryset

    def detail_record(self, pk: Any) -> MovementModel:
        return (
            selectors.models_visible_to(self.request.user)
            .select_related("unit", "recognised_by")
            .prefetch_related(Prefetch("evidence", queryset=ModelEvidence.objects.order_by("id")))
            .get(pk=pk)
        )

    def scoped_record(self, pk: Any) -> MovementModel:
        return selectors.model_get_for(self.request.user, pk)

    def timeline_events(self, record: MovementModel) -> QuerySet[MovementEvent]:
        return selectors.model_timeline(record)

    @extend_schema(
        request=ModelCreateSerializer,
        responses={201: MovementModelDetailSerializer, 200: MovementModelDetailSerializer},
        parameters=[IDEMPOTENCY_KEY],
    )
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Register a model of one of the person's units."""
        gate_create(
            request.user,
            actions.RECORD,
            _("Only the unit's cadres and leaders register its models."),
        )
        data = ModelCreateSerializer(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        return self.create_once(
            MovementModel,
            lambda key: _made(services.model_register(actor=request.user, **values)),
        )

    @extend_schema(
        request=ModelUpdateSerializer,
        responses=MovementModelDetailSerializer,
        parameters=[IF_MATCH],
    )
    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Change what was registered; send If-Match with the ETag."""
        model = self.get_object()
        data = ModelUpdateSerializer(
            data=request.data, partial=True, context=self.get_serializer_context()
        )
        data.is_valid(raise_exception=True)
        services.model_update(
            actor=request.user,
            model=model,
            expected_version=expected_version(request, model),
            **data.validated_data,
        )
        return self.detail_response(model)

    @extend_schema(request=ReviewManySerializer, responses=MovementModelSerializer(many=True))
    @action(
        detail=False,
        methods=["post"],
        url_path="review",
        pagination_class=None,
        filterset_class=None,
    )
    def review(self, request: Request) -> Response:
        """The yearly review of many models at once: all kept, or all dropped (all or nothing)."""
        gate_create(
            request.user,
            actions.REVIEW,
            _("Only the steering committee's leaders at or above the model's unit review it."),
        )
        data = ReviewManySerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        if values["outcome"] == "drop" and not values.get("reason"):
            raise ValidationError({"reason": [_("Choose why the models are dropped.")]})
        ids = sorted(set(values["models"]))
        found = list(selectors.models_visible_to(request.user).filter(pk__in=ids))
        if len(found) != len(ids):
            missing = sorted(set(ids) - {m.pk for m in found})
            raise ValidationError(
                {
                    "models": [
                        _("These models do not exist or are outside your units: %(ids)s.")
                        % {"ids": ", ".join(map(str, missing))}
                    ]
                }
            )
        with transaction.atomic():
            done = services.models_review(
                actor=request.user,
                models=found,
                year=values["year"],
                outcome=values["outcome"],
                reason=values.get("reason") or "",
                note=values.get("note") or "",
            )
        rows = (
            selectors.models_visible_to(request.user)
            .select_related("unit", "recognised_by")
            .filter(pk__in=[m.pk for m in done])
        )
        return Response(MovementModelSerializer(rows.order_by("id"), many=True).data)


# --- Indicators and their reports -----------------------------------------------------------
class IndicatorViewSet(viewsets.ReadOnlyModelViewSet):
    """The indicators units report (defined as data by the national administrators)."""

    serializer_class = IndicatorSerializer
    pagination_class = None
    filterset_class = None

    def get_queryset(self) -> Any:
        return selectors.indicators()

    @extend_schema(
        parameters=[
            OpenApiParameter("unit", int, description="The unit (default: the top of your units)."),
            OpenApiParameter(
                "year", int, required=True, description="The calendar year, 1945 to 2100."
            ),
        ],
        responses=RollupSerializer,
    )
    @action(detail=False, methods=["get"], pagination_class=None, filterset_class=None)
    def rollup(self, request: Request) -> Response:
        """
        Every indicator's figure for a unit and all units below it in a year (the reports
        whose period ends in it), split over the units one level down, units with figures only.
        """
        query = RollupQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        if query.validated_data.get("unit"):
            unit = unit_get_for(request.user, query.validated_data["unit"])
        else:
            root = selectors.rollup_root_for(request.user)
            if root is None:
                raise ValidationError({"unit": [_("You hold no post in any unit.")]})
            unit = root
        year = query.validated_data["year"]
        rows = selectors.rollup(unit, datetime.date(year, 1, 1), datetime.date(year, 12, 31))
        return Response(RollupSerializer({"unit": unit, "year": year, "indicators": rows}).data)


@record_api(
    name="IndicatorReport",
    detail=IndicatorReportDetailSerializer,
    row=IndicatorReportSerializer,
    workflow=REPORT_WORKFLOW,
)
class IndicatorReportViewSet(
    RecordViewSetMixin,
    mixins.ListModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """The figures the person's units reported, per period, newest period first."""

    serializer_class = IndicatorReportSerializer
    filterset_class = IndicatorReportFilter
    ordering = ("-id",)
    http_method_names = ["get", "post", "head", "options"]
    action_names = EVENT_NAMES

    def get_queryset(self) -> QuerySet[IndicatorReport]:
        return (
            selectors.reports_visible_to(self.request.user)
            .select_related("unit")
            .prefetch_related(
                Prefetch(
                    "values",
                    queryset=IndicatorValue.objects.select_related("indicator").order_by("id"),
                )
            )
        )

    def scoped_record(self, pk: Any) -> IndicatorReport:
        return selectors.report_get_for(self.request.user, pk)

    def timeline_events(self, record: IndicatorReport) -> QuerySet[MovementEvent]:
        return selectors.report_timeline(record)

    @extend_schema(
        request=ReportCreateSerializer,
        responses={201: IndicatorReportDetailSerializer, 200: IndicatorReportDetailSerializer},
        parameters=[IDEMPOTENCY_KEY],
    )
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """A unit's figures for one period (a value per indicator code)."""
        gate_create(
            request.user,
            actions.REPORT_FIGURES,
            _("Only the unit's cadres and leaders report its figures."),
        )
        data = ReportCreateSerializer(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        return self.create_once(
            IndicatorReport,
            lambda key: _made(services.report_create(actor=request.user, **values)),
        )


# --- Dialogues ------------------------------------------------------------------------------
@record_api(
    name="Dialogue",
    detail=DialogueDetailSerializer,
    row=DialogueSerializer,
    workflow=DIALOGUE_WORKFLOW,
)
class DialogueViewSet(
    RecordViewSetMixin,
    mixins.ListModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Leaders' dialogues with citizens held by the person's units, newest first."""

    serializer_class = DialogueSerializer
    filterset_class = DialogueFilter
    ordering = ("-id",)
    http_method_names = ["get", "post", "patch", "head", "options"]
    action_names = EVENT_NAMES

    def get_queryset(self) -> QuerySet[Dialogue]:
        return (
            selectors.dialogues_visible_to(self.request.user)
            .select_related("unit")
            .prefetch_related(Prefetch("issues", queryset=DialogueIssue.objects.order_by("number")))
        )

    def scoped_record(self, pk: Any) -> Dialogue:
        return selectors.dialogue_get_for(self.request.user, pk)

    def timeline_events(self, record: Dialogue) -> QuerySet[MovementEvent]:
        return selectors.dialogue_timeline(record)

    @extend_schema(
        request=DialogueCreateSerializer,
        responses={201: DialogueDetailSerializer, 200: DialogueDetailSerializer},
        parameters=[IDEMPOTENCY_KEY],
    )
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Record a dialogue held by one of the person's units, with the issues raised."""
        gate_create(
            request.user,
            actions.RECORD_DIALOGUE,
            _("Only the unit's cadres and leaders record its dialogues."),
        )
        data = DialogueCreateSerializer(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        return self.create_once(
            Dialogue, lambda key: _made(services.dialogue_create(actor=request.user, **values))
        )

    @extend_schema(
        request=DialogueUpdateSerializer, responses=DialogueDetailSerializer, parameters=[IF_MATCH]
    )
    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Change what was recorded; send If-Match with the ETag."""
        dialogue = self.get_object()
        data = DialogueUpdateSerializer(
            data=request.data, partial=True, context=self.get_serializer_context()
        )
        data.is_valid(raise_exception=True)
        services.dialogue_update(
            actor=request.user,
            dialogue=dialogue,
            expected_version=expected_version(request, dialogue),
            **data.validated_data,
        )
        return self.detail_response(dialogue)
