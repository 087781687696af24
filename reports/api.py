"""
/api/v1/reports/: statistics, trend, most overdue items, exports and report documents.

Thin: read the parameters (a 400 naming the field when one is wrong), check the unit is in
the user's scope (404 otherwise), call the statistics or a service, serialize.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.http import FileResponse, Http404, StreamingHttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from danvan.core.downloads import name_download, named_download
from danvan.core.errors import ServiceError
from danvan.org.models import Unit
from danvan.org.serializers import UnitRefSerializer
from reports import exports, figures, selectors, services
from reports.models import ExportFormat, ExportSubject, ReportDocument
from reports.periods import Period, period_from_params, today_from_params

UNIT = OpenApiParameter("unit", int, description="Unit id (default: the user's highest unit).")
PERIOD_PARAMS = [
    UNIT,
    OpenApiParameter("period", str, enum=["month", "quarter", "half", "year", "custom"]),
    OpenApiParameter("year", int),
    OpenApiParameter("month", int, description="1–12, with period=month"),
    OpenApiParameter("quarter", int, description="1–4, with period=quarter"),
    OpenApiParameter("half", int, description="1 or 2, with period=half"),
    OpenApiParameter("from", OpenApiTypes.DATE, description="with period=custom"),
    OpenApiParameter("to", OpenApiTypes.DATE, description="with period=custom"),
    OpenApiParameter("as_of", OpenApiTypes.DATE, description="Read states as of this day."),
]


# --- Response shapes (for the OpenAPI schema; the views return the figures' dicts) ----------
class ReportPeriodSerializer(serializers.Serializer):
    kind = serializers.CharField()
    start = serializers.DateField()
    end = serializers.DateField()
    label = serializers.CharField()  # type: ignore[assignment]  # a field named "label"


class PetitionMetricsSerializer(serializers.Serializer):
    received = serializers.IntegerField()
    processed = serializers.IntegerField()
    resolved = serializers.IntegerField(help_text="Clock ended: resolved, guided, filed…")
    resolved_on_time = serializers.IntegerField()
    resolved_late = serializers.IntegerField()
    open = serializers.IntegerField()
    overdue = serializers.IntegerField(help_text="Open, clock running, deadline passed.")
    on_time_rate = serializers.FloatField(
        allow_null=True, help_text="resolved on time ÷ (resolved + open and overdue), %"
    )
    avg_days_to_resolve = serializers.FloatField(allow_null=True)


class PetitionByKindSerializer(PetitionMetricsSerializer):
    kind = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]  # a field named "label"


class PetitionByChannelSerializer(PetitionMetricsSerializer):
    channel = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]  # a field named "label"


class PetitionByFieldSerializer(PetitionMetricsSerializer):
    field = serializers.IntegerField(allow_null=True)
    label = serializers.CharField()  # type: ignore[assignment]  # a field named "label"


class PetitionByUnitSerializer(PetitionMetricsSerializer):
    unit = UnitRefSerializer()


class PetitionReportSerializer(serializers.Serializer):
    unit = UnitRefSerializer()
    period = ReportPeriodSerializer()
    as_of = serializers.DateField()
    totals = PetitionMetricsSerializer()
    by_kind = PetitionByKindSerializer(many=True)
    by_field = PetitionByFieldSerializer(many=True)
    by_channel = PetitionByChannelSerializer(many=True)
    by_unit = PetitionByUnitSerializer(many=True)


class TaskMetricsSerializer(serializers.Serializer):
    assigned = serializers.IntegerField()
    done_on_time = serializers.IntegerField()
    done_late = serializers.IntegerField()
    overdue = serializers.IntegerField()
    in_progress = serializers.IntegerField()
    not_started = serializers.IntegerField()
    cancelled = serializers.IntegerField()
    on_time_rate = serializers.FloatField(allow_null=True)


class TaskByUnitSerializer(TaskMetricsSerializer):
    unit = UnitRefSerializer()


class TaskReportSerializer(serializers.Serializer):
    unit = UnitRefSerializer()
    period = ReportPeriodSerializer()
    as_of = serializers.DateField()
    totals = TaskMetricsSerializer()
    by_unit = TaskByUnitSerializer(many=True)


class TrendMonthSerializer(serializers.Serializer):
    month = serializers.CharField(help_text="YYYY-MM")
    received = serializers.IntegerField()
    resolved = serializers.IntegerField()
    resolved_on_time = serializers.IntegerField()


class TrendSerializer(serializers.Serializer):
    unit = UnitRefSerializer()
    months = TrendMonthSerializer(many=True)


class OverduePetitionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    summary = serializers.CharField()
    kind = serializers.CharField()
    kind_label = serializers.CharField()
    status = serializers.CharField()
    status_label = serializers.CharField()
    handling_unit = UnitRefSerializer()
    received_on = serializers.DateField()
    due_date = serializers.DateField(allow_null=True)
    days_overdue = serializers.IntegerField(allow_null=True)
    petitioner_names = serializers.ListField(child=serializers.CharField())


class OverdueTaskSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    lead_unit = UnitRefSerializer()
    due_on = serializers.DateField(allow_null=True)
    days_overdue = serializers.IntegerField(allow_null=True)
    progress_percent = serializers.IntegerField()


class OverdueSerializer(serializers.Serializer):
    petitions = OverduePetitionSerializer(many=True)
    tasks = OverdueTaskSerializer(many=True)


def report_context(
    request: Request, *, with_period: bool = True
) -> tuple[Unit, Period | None, date]:
    params = request.query_params
    today = today_from_params(params, default=timezone.localdate())
    period = period_from_params(params, today=today) if with_period else None
    unit = selectors.report_unit(request.user, params)
    return unit, period, today


def _limit(request: Request, name: str, default: int, maximum: int) -> int:
    raw = request.query_params.get(name)
    if raw in (None, ""):
        return default
    try:
        value = int(str(raw))
    except ValueError:
        raise ServiceError(_("Enter a whole number."), field=name) from None
    if not 1 <= value <= maximum:
        raise ServiceError(
            _("Enter a number from %(low)d to %(high)d.") % {"low": 1, "high": maximum},
            field=name,
        )
    return value


class PetitionStatisticsView(APIView):
    @extend_schema(
        summary="Petition statistics of a unit subtree for a period",
        parameters=PERIOD_PARAMS,
        responses=PetitionReportSerializer,
    )
    def get(self, request: Request) -> Response:
        unit, period, today = report_context(request)
        assert period is not None
        report = figures.petition_report(request.user, unit=unit, period=period, today=today)
        return Response(report.as_dict())


class TaskStatisticsView(APIView):
    @extend_schema(
        summary="Task statistics of a unit subtree for a period (tasks due in it)",
        parameters=PERIOD_PARAMS,
        responses=TaskReportSerializer,
    )
    def get(self, request: Request) -> Response:
        unit, period, today = report_context(request)
        assert period is not None
        return Response(figures.task_report(request.user, unit=unit, period=period, today=today))


class TrendView(APIView):
    @extend_schema(
        summary="Petitions received and resolved per month",
        parameters=[
            UNIT,
            OpenApiParameter("months", int, description="1–60, default 12"),
            OpenApiParameter("as_of", OpenApiTypes.DATE),
        ],
        responses=TrendSerializer,
    )
    def get(self, request: Request) -> Response:
        unit, _period, today = report_context(request, with_period=False)
        months = _limit(request, "months", 12, 60)
        return Response(
            {
                "unit": {"id": unit.pk, "code": unit.code, "name": unit.name},
                "months": figures.petition_trend(
                    request.user, unit=unit, months=months, today=today
                ),
            }
        )


class OverdueView(APIView):
    @extend_schema(
        summary="The most overdue open petitions and tasks (identities redacted)",
        parameters=[
            UNIT,
            OpenApiParameter("limit", int, description="1–100, default 10"),
            OpenApiParameter("as_of", OpenApiTypes.DATE),
        ],
        responses=OverdueSerializer,
    )
    def get(self, request: Request) -> Response:
        unit, _period, today = report_context(request, with_period=False)
        limit = _limit(request, "limit", 10, 100)
        return Response(
            {
                "petitions": figures.most_overdue_petitions(
                    request.user, unit=unit, today=today, limit=limit
                ),
                "tasks": figures.most_overdue_tasks(
                    request.user, unit=unit, today=today, limit=limit
                ),
            }
        )


# --- Exports ----------------------------------------------------------------------------------
EXPORT_PARAMS = [
    OpenApiParameter(
        "unit",
        int,
        description="Unit id: its subtree, as its statistics count. Without it: exactly what "
        "the user's petition or task list shows.",
    ),
    *PERIOD_PARAMS[1:],
    OpenApiParameter("all_dates", bool, description="1: every date (ignore the period parameters)"),
    OpenApiParameter(
        "status",
        str,
        many=True,
        description="petition status, or derived task status (repeat for several)",
    ),
    OpenApiParameter("channel", str, description="petitions"),
    OpenApiParameter("deadline_state", str, description="petitions"),
    OpenApiParameter("q", str, description="diacritics-insensitive search, as in the web lists"),
    # The other filters of the API lists, /api/v1/petitions/ and /api/v1/tasks/:
    OpenApiParameter("search", str, description="as in the API lists"),
    OpenApiParameter("kind", str, description="petitions"),
    OpenApiParameter("field", int, description="petitions: a field and the fields below it"),
    OpenApiParameter("received_from", OpenApiTypes.DATE, description="petitions"),
    OpenApiParameter("received_to", OpenApiTypes.DATE, description="petitions"),
    OpenApiParameter("assignee", int, description="petitions"),
    OpenApiParameter("reception_session", int, description="petitions"),
    OpenApiParameter("priority", str, description="tasks"),
    OpenApiParameter("source", str, description="tasks"),
    OpenApiParameter("parent", int, description="tasks"),
    OpenApiParameter("top_level", bool, description="tasks"),
    OpenApiParameter("meeting", int, description="tasks"),
    OpenApiParameter("directive", int, description="tasks"),
    OpenApiParameter("due_from", OpenApiTypes.DATE, description="tasks"),
    OpenApiParameter("due_to", OpenApiTypes.DATE, description="tasks"),
    OpenApiParameter("due_in", str, description="tasks: a period, as in the task list"),
    OpenApiParameter("awaiting_approval", bool, description="tasks"),
]


class ExportView(APIView):
    """`/exports/<petitions|tasks|models>.<csv|xlsx>`: streamed, redacted, logged."""

    @extend_schema(
        summary=(
            "Export a filtered list of petitions, tasks or “Dân vận khéo” models to CSV or xlsx "
            "(streamed)"
        ),
        parameters=EXPORT_PARAMS,
        responses={
            (200, "text/csv"): OpenApiTypes.BINARY,
            (
                200,
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            ): OpenApiTypes.BINARY,
        },
    )
    def get(self, request: Request, subject: str, file_format: str) -> Any:
        if subject not in ExportSubject.values or file_format not in ExportFormat.values:
            raise Http404
        params = request.query_params
        today = today_from_params(params, default=timezone.localdate())
        period = (
            None
            if params.get("all_dates") in ("1", "true")
            else period_from_params(params, today=today)
        )
        # With `unit`: that unit's subtree, as its statistics count. Without: the user's list.
        unit = selectors.report_unit(request.user, params) if params.get("unit") else None
        if subject == ExportSubject.PETITIONS:
            queryset = exports.petition_export_queryset(
                request.user,
                unit=unit,
                period=period,
                params=params,
                today=today,
                request=request,
            )
            header, rows = exports.petition_header(), exports.petition_rows(queryset, today=today)
        elif subject == ExportSubject.MODELS:
            queryset = exports.model_export_queryset(request.user, unit=unit, params=params)
            header, rows = exports.model_header(), exports.model_rows(queryset)
        else:
            queryset = exports.task_export_queryset(
                request.user,
                unit=unit,
                period=period,
                params=params,
                today=today,
                request=request,
            )
            header, rows = exports.task_header(), exports.task_rows(queryset, today=today)
        if unit is None:
            unit = selectors.report_unit(request.user, {})  # the log files it under their unit
        record = services.export_record_create(
            actor=request.user,
            unit=unit,
            subject=subject,
            file_format=file_format,
            filters={
                key: values[0] if len(values) == 1 else values for key, values in params.lists()
            },
        )
        # "Đơn thư - Xã Tân Phú - 05-12-2026.xlsx": what the file is, whose, as of when.
        label = str(ExportSubject(subject).label)
        stem = f"{label} - {unit.name} - {today:%d-%m-%Y}"
        if file_format == ExportFormat.CSV:
            response = StreamingHttpResponse(
                exports.csv_stream(header, rows, lambda n: exports.export_finished(record, n)),
                content_type="text/csv; charset=utf-8",
            )
            return name_download(response, f"{stem}.csv")
        handle, count = exports.xlsx_file(header, rows, title=label)
        exports.export_finished(record, count)
        response = FileResponse(
            handle,
            as_attachment=True,
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        return name_download(response, f"{stem}.xlsx")


# --- Report documents -----------------------------------------------------------------------
class ReportDocumentSerializer(serializers.ModelSerializer):
    unit_name = serializers.CharField(source="unit.name", read_only=True)
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    docx_url = serializers.SerializerMethodField()
    xlsx_url = serializers.SerializerMethodField()

    class Meta:
        model = ReportDocument
        fields = [
            "id",
            "unit",
            "unit_name",
            "kind",
            "kind_label",
            "year",
            "half",
            "number",
            "place",
            "as_of",
            "status",
            "status_label",
            "progress",
            "error",
            "docx_url",
            "xlsx_url",
            "created_at",
            "finished_at",
        ]
        read_only_fields = fields

    def _url(self, document: ReportDocument, file_format: str) -> str | None:
        if document.status != "done":
            return None
        request = self.context.get("request")
        path = f"/api/v1/reports/documents/{document.pk}/download/?file={file_format}"
        return request.build_absolute_uri(path) if request else path

    def get_docx_url(self, document: ReportDocument) -> str | None:
        return self._url(document, "docx")

    def get_xlsx_url(self, document: ReportDocument) -> str | None:
        return self._url(document, "xlsx")


class ReportDocumentRequestSerializer(serializers.Serializer):
    unit = serializers.IntegerField(label=_("unit"))
    kind = serializers.ChoiceField(label=_("kind"), choices=["half", "year"])
    year = serializers.IntegerField(label=_("year"))
    half = serializers.IntegerField(label=_("half"), required=False, allow_null=True)
    number = serializers.CharField(label=_("document number"), required=False, allow_blank=True)
    place = serializers.CharField(label=_("place"), required=False, allow_blank=True)


class ReportDocumentViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet[ReportDocument]
):
    """Six-month and annual reports: request one, watch its progress, download it."""

    serializer_class = ReportDocumentSerializer
    ordering = ("-created_at", "-id")

    def get_queryset(self) -> Any:
        return selectors.documents_visible_to(self.request.user)

    def get_object(self) -> ReportDocument:
        return selectors.document_get_for(self.request.user, self.kwargs["pk"])

    @extend_schema(
        request=ReportDocumentRequestSerializer, responses={202: ReportDocumentSerializer}
    )
    def create(self, request: Request) -> Response:
        data = ReportDocumentRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        document = services.report_document_request(actor=request.user, **data.validated_data)
        return Response(
            ReportDocumentSerializer(document, context={"request": request}).data, status=202
        )

    @extend_schema(
        parameters=[OpenApiParameter("file", str, enum=["docx", "xlsx"])],
        responses={
            (200, "application/octet-stream"): OpenApiTypes.BINARY,
            409: OpenApiResponse(description=str(_("The document is not ready yet."))),
        },
    )
    @action(detail=True, methods=["get"])
    def download(self, request: Request, pk: str) -> Any:
        document = self.get_object()
        file_format = request.query_params.get("file") or "docx"
        if file_format not in ("docx", "xlsx"):
            raise ServiceError(_("Choose docx or xlsx."), field="file")
        stored = document.docx if file_format == "docx" else document.xlsx
        if document.status != "done" or not stored:
            raise ServiceError(
                _("The document is not ready yet."), code="not_ready", status_code=409
            )
        response = FileResponse(stored.open("rb"), as_attachment=True)
        return named_download(response, services.document_title(document), file_format)
