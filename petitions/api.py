"""
REST API for petitions and reception sessions: thin serializers, services for every write,
selectors for every read. Workflow steps are POST actions, never PATCHes of the status.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any, cast

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
    inline_serializer,
)
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from danvan.core.errors import ServiceError
from danvan.core.fields import CalendarDateField
from danvan.core.gates import WriteGateMixin, gate_create
from danvan.core.pagination import CursorPagination
from danvan.core.parsers import JSONParser
from danvan.core.timestamps import parse_client_datetime
from danvan.org.models import User
from petitions import roles as actions
from petitions import selectors, services
from petitions.filters import PetitionFilter
from petitions.models import (
    Attachment,
    Channel,
    Complexity,
    DeadlineState,
    LinkKind,
    Petition,
    PetitionEvent,
    PetitionField,
    PetitionKind,
    ReceptionSession,
    RespondentKind,
    Result,
)

CITIZEN_ID_MESSAGE = _("A citizen ID number (CCCD) has exactly 12 digits.")
IF_MATCH_RE = re.compile(r'^(?:W/)?"?(\d+)-(\d+)"?$')
ERROR_RESPONSES = {
    400: OpenApiResponse(description=str(_("Invalid input: {code, message, fields}."))),
    403: OpenApiResponse(description=str(_("Not allowed."))),
    404: OpenApiResponse(description=str(_("Not found or outside your units."))),
    409: OpenApiResponse(description=str(_("The petition's status does not allow this."))),
    412: OpenApiResponse(description=str(_("If-Match is stale: reload and retry."))),
}


# --- Serializers: reading -----------------------------------------------------------------------
class UnitRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    name = serializers.CharField()


class FieldRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    name = serializers.CharField(source="__str__")


class PetitionFieldSerializer(serializers.ModelSerializer):
    class Meta:
        model = PetitionField
        fields = ["id", "code", "name", "parent", "position"]


def _deadline(serializer: serializers.Serializer, petition: Petition) -> selectors.DeadlineInfo:
    context = serializer.context.get("deadline_context")
    if context is None:
        context = selectors.DeadlineContext()
        serializer.context["deadline_context"] = context  # type: ignore[index]
    return cast(selectors.DeadlineInfo, context.info(petition))


class PetitionListSerializer(serializers.ModelSerializer):
    """A row of a list: denouncers' names are always "[hidden]" here."""

    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    field = FieldRefSerializer(read_only=True, allow_null=True)
    location_unit = UnitRefSerializer(read_only=True)
    receiving_unit = UnitRefSerializer(read_only=True)
    handling_unit = UnitRefSerializer(read_only=True)
    assignee_name = serializers.SerializerMethodField()
    petitioner_names = serializers.SerializerMethodField()
    identity_hidden = serializers.SerializerMethodField()
    deadline_state = serializers.SerializerMethodField()
    working_days_left = serializers.SerializerMethodField()

    class Meta:
        model = Petition
        fields = [
            "id",
            "code",
            "client_id",
            "version",
            "received_on",
            "channel",
            "kind",
            "kind_display",
            "field",
            "summary",
            "status",
            "status_display",
            "location_unit",
            "receiving_unit",
            "handling_unit",
            "assignee",
            "assignee_name",
            "petitioner_names",
            "identity_hidden",
            "is_anonymous",
            "is_collective",
            "head_count",
            "clock_stage",
            "due_date",
            "deadline_state",
            "working_days_left",
            "updated_at",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_assignee_name(self, petition: Petition) -> str | None:
        return str(petition.assignee) if petition.assignee else None

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_petitioner_names(self, petition: Petition) -> list[str]:
        return selectors.petitioner_names(petition)

    @extend_schema_field(serializers.BooleanField())
    def get_identity_hidden(self, petition: Petition) -> bool:
        return selectors.identity_hidden(petition)

    @extend_schema_field(serializers.ChoiceField(choices=DeadlineState.choices))
    def get_deadline_state(self, petition: Petition) -> str:
        return _deadline(self, petition).state

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_working_days_left(self, petition: Petition) -> int | None:
        return _deadline(self, petition).working_days_left


class PetitionerOutSerializer(serializers.Serializer):
    full_name = serializers.CharField()
    citizen_id = serializers.CharField(allow_null=True)
    phone = serializers.CharField(allow_null=True)
    address = serializers.CharField(allow_null=True)


class RespondentSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(
        choices=RespondentKind.choices, default=RespondentKind.PERSON, label=_("kind")
    )
    name = serializers.CharField(max_length=255, label=_("name"))
    position = serializers.CharField(
        max_length=255, required=False, allow_blank=True, default="", label=_("position")
    )


class AttachmentSerializer(serializers.ModelSerializer):
    original_name = serializers.SerializerMethodField()
    url = serializers.SerializerMethodField()

    class Meta:
        model = Attachment
        fields = ["id", "original_name", "content_type", "size", "uploaded_at", "url"]
        read_only_fields = fields

    @extend_schema_field(serializers.CharField())
    def get_original_name(self, attachment: Attachment) -> str:
        hidden = bool(self.context.get("identity_hidden"))
        return selectors.attachment_name(attachment, hidden=hidden)

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_url(self, attachment: Attachment) -> str | None:
        # A denunciation's scanned letter shows handwriting: no direct link to it.
        if self.context.get("identity_hidden"):
            return None
        return attachment.file.url if attachment.file else None


class PetitionDetailSerializer(PetitionListSerializer):
    petitioners = serializers.SerializerMethodField()
    respondents = RespondentSerializer(many=True, read_only=True)
    attachments = serializers.SerializerMethodField()
    answers = serializers.SerializerMethodField()
    suspensions = serializers.SerializerMethodField()
    extensions = serializers.SerializerMethodField()
    transfers = serializers.SerializerMethodField()
    links = serializers.SerializerMethodField()
    allowed_actions = serializers.SerializerMethodField()
    available_actions = serializers.SerializerMethodField()
    complexity_display = serializers.CharField(source="get_complexity_display", read_only=True)
    result_display = serializers.CharField(source="get_result_display", read_only=True)

    class Meta(PetitionListSerializer.Meta):
        fields = [
            *PetitionListSerializer.Meta.fields,
            "content",
            "address",
            "latitude",
            "longitude",
            "is_eligible",
            "ineligibility_reason",
            "is_remote_area",
            "several_places",
            "complexity",
            "complexity_display",
            "instance",
            "reception_session",
            "accepted_on",
            "clock_started_on",
            "result",
            "result_display",
            "finished_on",
            "finished_on_time",
            "created_at",
            "petitioners",
            "respondents",
            "attachments",
            "answers",
            "suspensions",
            "extensions",
            "transfers",
            "links",
            "allowed_actions",
            "available_actions",
        ]
        read_only_fields = fields

    @extend_schema_field(PetitionerOutSerializer(many=True))
    def get_petitioners(self, petition: Petition) -> list[dict[str, Any]]:
        request = self.context.get("request")
        return selectors.petitioner_rows(petition, getattr(request, "user", None))

    @extend_schema_field(AttachmentSerializer(many=True))
    def get_attachments(self, petition: Petition) -> Any:
        context = {**self.context, "identity_hidden": selectors.identity_hidden(petition)}
        return AttachmentSerializer(petition.attachments.all(), many=True, context=context).data

    @extend_schema_field(
        inline_serializer(
            "PetitionAnswer",
            {
                "number": serializers.CharField(),
                "issued_on": serializers.DateField(),
                "signer": serializers.CharField(),
                "summary": serializers.CharField(),
            },
            many=True,
        )
    )
    def get_answers(self, petition: Petition) -> list[dict[str, Any]]:
        return [
            {"number": a.number, "issued_on": a.issued_on, "signer": a.signer, "summary": a.summary}
            for a in petition.answers.all()
        ]

    @extend_schema_field(
        inline_serializer(
            "PetitionSuspension",
            {
                "started_on": serializers.DateField(),
                "ended_on": serializers.DateField(allow_null=True),
                "reason": serializers.CharField(),
            },
            many=True,
        )
    )
    def get_suspensions(self, petition: Petition) -> list[dict[str, Any]]:
        return [
            {"started_on": s.started_on, "ended_on": s.ended_on, "reason": s.reason}
            for s in petition.suspensions.all()
        ]

    @extend_schema_field(
        inline_serializer(
            "PetitionExtension",
            {
                "days": serializers.IntegerField(),
                "decision_number": serializers.CharField(),
                "decided_on": serializers.DateField(),
                "reason": serializers.CharField(),
            },
            many=True,
        )
    )
    def get_extensions(self, petition: Petition) -> list[dict[str, Any]]:
        return [
            {
                "days": e.days,
                "decision_number": e.decision_number,
                "decided_on": e.decided_on,
                "reason": e.reason,
            }
            for e in petition.extensions.all()
        ]

    @extend_schema_field(
        inline_serializer(
            "PetitionTransfer",
            {
                "from_unit": UnitRefSerializer(),
                "to_unit": UnitRefSerializer(),
                "sent_on": serializers.DateField(),
                "due_on": serializers.DateField(),
                "result": serializers.CharField(),
                "reported_on": serializers.DateField(allow_null=True),
            },
            many=True,
        )
    )
    def get_transfers(self, petition: Petition) -> list[dict[str, Any]]:
        return [
            {
                "from_unit": UnitRefSerializer(t.from_unit).data,
                "to_unit": UnitRefSerializer(t.to_unit).data,
                "sent_on": t.sent_on,
                "due_on": t.due_on,
                "result": t.result,
                "reported_on": t.reported_on,
            }
            for t in petition.transfers.all()
        ]

    @extend_schema_field(
        inline_serializer(
            "PetitionLinkOut",
            {
                "kind": serializers.ChoiceField(choices=LinkKind.choices),
                "target": serializers.IntegerField(),
                "target_code": serializers.CharField(),
            },
            many=True,
        )
    )
    def get_links(self, petition: Petition) -> list[dict[str, Any]]:
        return [
            {"kind": link.kind, "target": link.target_id, "target_code": link.target.code}
            for link in petition.links.all()
        ]

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_allowed_actions(self, petition: Petition) -> list[str]:
        """The steps the petition's status admits, whoever asks."""
        return services.allowed_actions(petition)

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_available_actions(self, petition: Petition) -> list[str]:
        """The steps the person asking may take now: what an app shows as buttons."""
        request = self.context.get("request")
        if request is None:
            return []
        return services.actions_available_to(request.user, petition)


class PetitionEventSerializer(serializers.ModelSerializer):
    actor_name = serializers.SerializerMethodField()
    action_display = serializers.CharField(source="get_action_display", read_only=True)

    class Meta:
        model = PetitionEvent
        fields = [
            "id",
            "at",
            "actor",
            "actor_name",
            "action",
            "action_display",
            "from_status",
            "to_status",
            "reason",
            "data",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_actor_name(self, event: PetitionEvent) -> str | None:
        return str(event.actor) if event.actor else None


# --- Serializers: writing -------------------------------------------------------------------
class PetitionerInSerializer(serializers.Serializer):
    full_name = serializers.CharField(max_length=150, label=_("full name"))
    citizen_id = serializers.RegexField(
        r"^\d{12}$",
        required=False,
        allow_blank=True,
        default="",
        label=_("citizen ID number"),
        error_messages={"invalid": CITIZEN_ID_MESSAGE},
    )
    phone = serializers.CharField(
        max_length=20, required=False, allow_blank=True, default="", label=_("phone")
    )
    address = serializers.CharField(
        max_length=255, required=False, allow_blank=True, default="", label=_("address")
    )


class PetitionCreateSerializer(serializers.Serializer):
    client_id = serializers.UUIDField(
        required=False,
        label=_("client id"),
        help_text=_(
            "Generated by the client; sending the same one again returns the same petition."
        ),
    )
    receiving_unit = serializers.IntegerField(
        required=False,
        allow_null=True,
        label=_("receiving unit"),
        help_text=_("Defaults to the session's unit."),
    )
    handling_unit = serializers.IntegerField(required=False, label=_("handling unit"))
    location_unit = serializers.IntegerField(label=_("location"))
    reception_session = serializers.IntegerField(required=False, label=_("reception session"))
    received_on = CalendarDateField(label=_("received on"))
    channel = serializers.ChoiceField(choices=Channel.choices, label=_("channel"))
    kind = serializers.ChoiceField(choices=PetitionKind.choices, label=_("kind"))
    field = serializers.IntegerField(required=False, allow_null=True, label=_("field"))
    summary = serializers.CharField(max_length=500, label=_("summary"))
    content = serializers.CharField(
        required=False, allow_blank=True, default="", label=_("content")
    )
    address = serializers.CharField(
        max_length=255, required=False, allow_blank=True, default="", label=_("address")
    )
    latitude = serializers.DecimalField(
        max_digits=9, decimal_places=6, required=False, allow_null=True, label=_("latitude")
    )
    longitude = serializers.DecimalField(
        max_digits=9, decimal_places=6, required=False, allow_null=True, label=_("longitude")
    )
    is_eligible = serializers.BooleanField(default=True, label=_("eligible for processing"))
    ineligibility_reason = serializers.CharField(
        max_length=255, required=False, allow_blank=True, default="", label=_("why not eligible")
    )
    is_anonymous = serializers.BooleanField(default=False, label=_("anonymous"))
    is_collective = serializers.BooleanField(default=False, label=_("collective petition"))
    head_count = serializers.IntegerField(
        min_value=1,
        max_value=services.MAX_HEAD_COUNT,
        default=1,
        label=_("number of petitioners"),
    )
    is_remote_area = serializers.BooleanField(default=False, label=_("remote area"))
    several_places = serializers.BooleanField(default=False, label=_("several places to check"))
    complexity = serializers.ChoiceField(
        choices=Complexity.choices, default=Complexity.NORMAL, label=_("complexity")
    )
    petitioners = PetitionerInSerializer(many=True, required=False, label=_("petitioners"))
    respondents = RespondentSerializer(many=True, required=False, label=_("respondents"))

    def to_data(self) -> services.PetitionData:
        v = dict(self.validated_data)
        v.pop("client_id", None)
        v["petitioners"] = [services.PetitionerInput(**p) for p in v.get("petitioners", [])]
        v["respondents"] = [services.RespondentInput(**r) for r in v.get("respondents", [])]
        v.setdefault("receiving_unit", None)
        return services.PetitionData(**v)


class PetitionUpdateSerializer(serializers.Serializer):
    summary = serializers.CharField(max_length=500, required=False, label=_("summary"))
    content = serializers.CharField(required=False, allow_blank=True, label=_("content"))
    field = serializers.IntegerField(required=False, allow_null=True, label=_("field"))
    channel = serializers.ChoiceField(choices=Channel.choices, required=False, label=_("channel"))
    address = serializers.CharField(
        max_length=255, required=False, allow_blank=True, label=_("address")
    )
    latitude = serializers.DecimalField(
        max_digits=9, decimal_places=6, required=False, allow_null=True, label=_("latitude")
    )
    longitude = serializers.DecimalField(
        max_digits=9, decimal_places=6, required=False, allow_null=True, label=_("longitude")
    )
    is_eligible = serializers.BooleanField(required=False, label=_("eligible for processing"))
    ineligibility_reason = serializers.CharField(
        max_length=255, required=False, allow_blank=True, label=_("why not eligible")
    )
    is_collective = serializers.BooleanField(required=False, label=_("collective petition"))
    head_count = serializers.IntegerField(
        min_value=1,
        max_value=services.MAX_HEAD_COUNT,
        required=False,
        label=_("number of petitioners"),
    )
    is_remote_area = serializers.BooleanField(required=False, label=_("remote area"))
    several_places = serializers.BooleanField(required=False, label=_("several places to check"))
    complexity = serializers.ChoiceField(
        choices=Complexity.choices, required=False, label=_("complexity")
    )


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(label=_("reason"))


class AcceptSerializer(ReasonSerializer):
    accepted_on = CalendarDateField(required=False, label=_("accepted on"))


class GuideSerializer(ReasonSerializer):
    competent_body = serializers.CharField(max_length=255, label=_("competent body"))


class TransferSerializer(ReasonSerializer):
    to_unit = serializers.IntegerField(label=_("to unit"))
    due_on = CalendarDateField(
        required=False, label=_("receiver's deadline"), help_text=_("Defaults to the policy.")
    )


class FileSerializer(ReasonSerializer):
    duplicate_of = serializers.IntegerField(required=False, label=_("duplicate of"))


class ReportTransferSerializer(serializers.Serializer):
    result = serializers.CharField(label=_("result reported"))


class ResolveSerializer(serializers.Serializer):
    result = serializers.ChoiceField(choices=Result.choices, label=_("result"))
    reason = serializers.CharField(required=False, allow_blank=True, default="", label=_("reason"))
    answer_number = serializers.CharField(max_length=50, label=_("document number"))
    answer_issued_on = CalendarDateField(label=_("issued on"))
    answer_signer = serializers.CharField(max_length=150, label=_("signed by"))
    answer_summary = serializers.CharField(
        required=False, allow_blank=True, default="", label=_("summary")
    )


class ReopenSerializer(ReasonSerializer):
    received_on = CalendarDateField(required=False, label=_("received on"))
    handling_unit = serializers.IntegerField(required=False, label=_("handling unit"))


class SuspendSerializer(ReasonSerializer):
    suspended_on = CalendarDateField(required=False, label=_("suspended on"))


class ResumeSerializer(ReasonSerializer):
    resumed_on = CalendarDateField(required=False, label=_("resumed on"))


class ExtendSerializer(ReasonSerializer):
    days = serializers.IntegerField(min_value=1, label=_("days"))
    decision_number = serializers.CharField(max_length=50, label=_("decision number"))
    decided_on = CalendarDateField(required=False, label=_("decided on"))


class AssignSerializer(serializers.Serializer):
    assignee = serializers.IntegerField(label=_("assignee"))
    reason = serializers.CharField(required=False, allow_blank=True, default="", label=_("reason"))


class LinkSerializer(serializers.Serializer):
    target = serializers.IntegerField(label=_("linked petition"))
    kind = serializers.ChoiceField(
        choices=LinkKind.choices, default=LinkKind.LINKED, label=_("kind")
    )
    reason = serializers.CharField(required=False, allow_blank=True, default="", label=_("reason"))


class DismissDuplicateSerializer(serializers.Serializer):
    candidate = serializers.IntegerField(label=_("suggested petition"))
    reason = serializers.CharField(required=False, allow_blank=True, default="", label=_("reason"))


class AttachmentUploadSerializer(serializers.Serializer):
    file = serializers.FileField(label=_("file"))


class DuplicateQuerySerializer(serializers.Serializer):
    citizen_ids = serializers.ListField(
        child=serializers.CharField(max_length=12),
        required=False,
        default=list,
        label=_("citizen ID numbers"),
    )
    petitioners = PetitionerInSerializer(
        many=True, required=False, default=list, label=_("petitioners")
    )
    location_unit = serializers.IntegerField(required=False, allow_null=True, label=_("location"))
    text = serializers.CharField(
        required=False, allow_blank=True, default="", label=_("summary and content")
    )


class DuplicateSerializer(serializers.Serializer):
    reason = serializers.CharField()
    petition = PetitionListSerializer()


class IdentityOutSerializer(serializers.Serializer):
    petitioners = PetitionerOutSerializer(many=True)


class SyncSerializer(serializers.Serializer):
    results = PetitionListSerializer(many=True)
    deleted = serializers.ListField(child=serializers.IntegerField())
    next_updated_since = serializers.DateTimeField(allow_null=True)
    next_after_id = serializers.IntegerField()
    has_more = serializers.BooleanField()


def _user(request: Request) -> User:
    """The signed-in user (the API requires authentication)."""
    return cast(User, request.user)


# --- Views ------------------------------------------------------------------------------------
def expected_version(request: Request, petition_id: Any) -> int | None:
    """The version an If-Match header names; a 412 when it names another petition or is garbled."""
    header = request.headers.get("If-Match")
    if not header or header.strip() == "*":
        return None
    match = IF_MATCH_RE.match(header.strip())
    if not match or match.group(1) != str(petition_id):
        raise services.PreconditionFailed(
            str(_("If-Match does not match this petition; reload it and try again."))
        )
    return int(match.group(2))


def _idempotency_client_id(request: Request, body_value: uuid.UUID | None) -> uuid.UUID | None:
    if body_value:
        return body_value
    key = request.headers.get("Idempotency-Key", "").strip()
    if not key:
        return None
    if len(key) > 200:
        raise ServiceError(str(_("The Idempotency-Key is too long.")), field="Idempotency-Key")
    try:
        return uuid.UUID(key)
    except ValueError:
        # Any other key is scoped to the user, so two people's keys never collide.
        return uuid.uuid5(uuid.NAMESPACE_URL, f"danvan:{request.user.pk}:{key}")


IF_MATCH = OpenApiParameter(
    "If-Match",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    description=str(_("The ETag from the detail; a stale one gets 412.")),
)


def _action_schema(request_serializer: Any, summary: str) -> Any:
    return extend_schema(
        request=request_serializer,
        responses={200: PetitionDetailSerializer, **ERROR_RESPONSES},
        parameters=[IF_MATCH],
        summary=summary,
    )


class PetitionPagination(CursorPagination):
    # Newest received first; the id breaks ties so pages never skip or repeat.
    ordering = ("-received_on", "-id")  # type: ignore[assignment]


class ReceptionSessionPagination(CursorPagination):
    ordering = ("-held_on", "-id")  # type: ignore[assignment]


@extend_schema(tags=["petitions"])
class PetitionViewSet(
    WriteGateMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Petitions received or handled by the user's units (and the units below them)."""

    serializer_class = PetitionListSerializer
    filterset_class = PetitionFilter
    pagination_class = PetitionPagination
    queryset = Petition.objects.none()
    # The right to change the petition at all, asked before the body is read.
    write_gates = {
        "accept": services.require_handler,
        "guide": services.require_handler,
        "transfer": services.require_handler,
        "report_transfer": services.require_handler,
        "return_papers": services.require_handler,
        "file_without_action": services.require_handler,
        "start_resolution": services.require_handler,
        "resolve": services.require_handler,
        "close": services.require_handler,
        "reopen": services.require_handler,
        "suspend": services.require_handler,
        "resume": services.require_handler,
        "extend": services.require_handler,
        "assign": services.require_handler,
        "link": services.require_handler,
        "dismiss_duplicate": services.require_handler,
        "partial_update": services.require_editor,
        "attachments": services.require_attacher,
        "identity": services.require_identity_viewer,
    }

    def get_queryset(self) -> QuerySet[Petition]:
        return selectors.petition_list(self.request.user)

    def get_serializer_class(self) -> Any:
        if self.action == "create":
            return PetitionCreateSerializer
        if self.action == "partial_update":
            return PetitionUpdateSerializer
        if self.action == "retrieve":
            return PetitionDetailSerializer
        return super().get_serializer_class()

    def _petition(self) -> Petition:
        petition = selectors.petition_get_for(self.request.user, self.kwargs["pk"])
        self.check_object_permissions(self.request, petition)
        return self.gate_write(petition)

    def _detail(self, petition: Petition, *, status_code: int = 200) -> Response:
        fresh = selectors.petition_detail(self.request.user, petition.pk)
        data = PetitionDetailSerializer(fresh, context=self.get_serializer_context()).data
        return Response(data, status=status_code, headers={"ETag": fresh.etag})

    @extend_schema(
        parameters=[
            OpenApiParameter("page_size", int, description=str(_("Rows per page (max 100).")))
        ]
    )
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().list(request, *args, **kwargs)

    @extend_schema(responses={200: PetitionDetailSerializer, 404: ERROR_RESPONSES[404]})
    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return self._detail(self._petition())

    @extend_schema(
        request=PetitionCreateSerializer,
        parameters=[
            OpenApiParameter(
                "Idempotency-Key",
                OpenApiTypes.STR,
                OpenApiParameter.HEADER,
                description=str(_("Instead of client_id: a retried request returns the same row.")),
            )
        ],
        responses={
            201: PetitionDetailSerializer,
            200: OpenApiResponse(
                PetitionDetailSerializer, description=str(_("Already created (a retry)."))
            ),
            **ERROR_RESPONSES,
        },
    )
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        gate_create(request.user, actions.INTAKE)
        serializer = PetitionCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        client_id = _idempotency_client_id(request, serializer.validated_data.get("client_id"))
        petition, created = services.petition_create(
            actor=_user(request), data=serializer.to_data(), client_id=client_id
        )
        return self._detail(petition, status_code=201 if created else 200)

    @extend_schema(
        request=PetitionUpdateSerializer,
        responses={200: PetitionDetailSerializer, **ERROR_RESPONSES},
        parameters=[IF_MATCH],
    )
    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        petition = self._petition()
        serializer = PetitionUpdateSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        services.petition_update(
            actor=_user(request),
            petition=petition,
            changes=dict(serializer.validated_data),
            expected_version=expected_version(request, petition.pk),
        )
        return self._detail(petition)

    def _run(self, serializer_class: Any, call: Any) -> Response:
        petition = self._petition()
        serializer = serializer_class(data=self.request.data)
        serializer.is_valid(raise_exception=True)
        call(
            petition,
            dict(serializer.validated_data),
            expected_version(self.request, petition.pk),
        )
        return self._detail(petition)

    @_action_schema(AcceptSerializer, "Accept (thụ lý)")
    @action(detail=True, methods=["post"])
    def accept(self, request: Request, pk: Any = None) -> Response:
        return self._run(
            AcceptSerializer,
            lambda p, v, ev: services.petition_accept(
                actor=_user(request), petition=p, expected_version=ev, **v
            ),
        )

    @_action_schema(GuideSerializer, "Guide the petitioner to the competent body")
    @action(detail=True, methods=["post"])
    def guide(self, request: Request, pk: Any = None) -> Response:
        return self._run(
            GuideSerializer,
            lambda p, v, ev: services.petition_guide(
                actor=_user(request), petition=p, expected_version=ev, **v
            ),
        )

    @_action_schema(TransferSerializer, "Transfer to another unit")
    @action(detail=True, methods=["post"])
    def transfer(self, request: Request, pk: Any = None) -> Response:
        return self._run(
            TransferSerializer,
            lambda p, v, ev: services.petition_transfer(
                actor=_user(request), petition=p, expected_version=ev, **v
            ),
        )

    @_action_schema(ReportTransferSerializer, "Report a transferred petition's result back")
    @action(detail=True, methods=["post"], url_path="report-transfer")
    def report_transfer(self, request: Request, pk: Any = None) -> Response:
        return self._run(
            ReportTransferSerializer,
            lambda p, v, ev: services.petition_report_transfer(
                actor=_user(request), petition=p, expected_version=ev, **v
            ),
        )

    @_action_schema(ReasonSerializer, "Return the original papers")
    @action(detail=True, methods=["post"], url_path="return-papers")
    def return_papers(self, request: Request, pk: Any = None) -> Response:
        return self._run(
            ReasonSerializer,
            lambda p, v, ev: services.petition_return_papers(
                actor=_user(request), petition=p, expected_version=ev, **v
            ),
        )

    @_action_schema(FileSerializer, "File without action (optionally as a duplicate)")
    @action(detail=True, methods=["post"], url_path="file")
    def file_without_action(self, request: Request, pk: Any = None) -> Response:
        return self._run(
            FileSerializer,
            lambda p, v, ev: services.petition_file(
                actor=_user(request), petition=p, expected_version=ev, **v
            ),
        )

    @_action_schema(ReasonSerializer, "Start resolving")
    @action(detail=True, methods=["post"], url_path="start-resolution")
    def start_resolution(self, request: Request, pk: Any = None) -> Response:
        return self._run(
            ReasonSerializer,
            lambda p, v, ev: services.petition_start_resolution(
                actor=_user(request), petition=p, expected_version=ev, **v
            ),
        )

    @_action_schema(ResolveSerializer, "Resolve with a result and an answer document")
    @action(detail=True, methods=["post"])
    def resolve(self, request: Request, pk: Any = None) -> Response:
        def call(p: Petition, v: dict[str, Any], ev: int | None) -> Any:
            answer = services.AnswerInput(
                number=v["answer_number"],
                issued_on=v["answer_issued_on"],
                signer=v["answer_signer"],
                summary=v["answer_summary"],
            )
            return services.petition_resolve(
                actor=_user(request),
                petition=p,
                result=v["result"],
                answer=answer,
                reason=v["reason"],
                expected_version=ev,
            )

        return self._run(ResolveSerializer, call)

    @_action_schema(ReasonSerializer, "Close")
    @action(detail=True, methods=["post"])
    def close(self, request: Request, pk: Any = None) -> Response:
        return self._run(
            ReasonSerializer,
            lambda p, v, ev: services.petition_close(
                actor=_user(request), petition=p, expected_version=ev, **v
            ),
        )

    @_action_schema(ReopenSerializer, "Reopen as a second complaint")
    @action(detail=True, methods=["post"])
    def reopen(self, request: Request, pk: Any = None) -> Response:
        return self._run(
            ReopenSerializer,
            lambda p, v, ev: services.petition_reopen_second_complaint(
                actor=_user(request), petition=p, expected_version=ev, **v
            ),
        )

    @_action_schema(SuspendSerializer, "Suspend (the clock stops)")
    @action(detail=True, methods=["post"])
    def suspend(self, request: Request, pk: Any = None) -> Response:
        return self._run(
            SuspendSerializer,
            lambda p, v, ev: services.petition_suspend(
                actor=_user(request), petition=p, expected_version=ev, **v
            ),
        )

    @_action_schema(ResumeSerializer, "Resume (the clock runs again)")
    @action(detail=True, methods=["post"])
    def resume(self, request: Request, pk: Any = None) -> Response:
        return self._run(
            ResumeSerializer,
            lambda p, v, ev: services.petition_resume(
                actor=_user(request), petition=p, expected_version=ev, **v
            ),
        )

    @_action_schema(ExtendSerializer, "Extend the deadline by decision")
    @action(detail=True, methods=["post"])
    def extend(self, request: Request, pk: Any = None) -> Response:
        return self._run(
            ExtendSerializer,
            lambda p, v, ev: services.petition_extend(
                actor=_user(request), petition=p, expected_version=ev, **v
            ),
        )

    @_action_schema(AssignSerializer, "Assign to a person of the handling unit")
    @action(detail=True, methods=["post"])
    def assign(self, request: Request, pk: Any = None) -> Response:
        return self._run(
            AssignSerializer,
            lambda p, v, ev: services.petition_assign(
                actor=_user(request), petition=p, expected_version=ev, **v
            ),
        )

    @_action_schema(LinkSerializer, "Link to another petition")
    @action(detail=True, methods=["post"])
    def link(self, request: Request, pk: Any = None) -> Response:
        def call(p: Petition, v: dict[str, Any], ev: int | None) -> Any:
            services._check_version(p, ev)
            try:
                target = selectors.petition_get_for(request.user, v["target"])
            except Exception:
                raise ServiceError(
                    str(_("This petition does not exist or is outside your units.")),
                    field="target",
                ) from None
            return services.petition_link(
                actor=_user(request), petition=p, target=target, kind=v["kind"], reason=v["reason"]
            )

        return self._run(LinkSerializer, call)

    @extend_schema(responses={200: PetitionEventSerializer(many=True), 404: ERROR_RESPONSES[404]})
    @action(detail=True, methods=["get"], pagination_class=None, filterset_class=None)
    def timeline(self, request: Request, pk: Any = None) -> Response:
        petition = self._petition()
        events = selectors.petition_timeline(petition)
        return Response(PetitionEventSerializer(events, many=True).data)

    @extend_schema(
        methods=["get"],
        responses={200: AttachmentSerializer(many=True), 404: ERROR_RESPONSES[404]},
    )
    @extend_schema(
        methods=["post"],
        request={"multipart/form-data": AttachmentUploadSerializer},
        responses={201: AttachmentSerializer, **ERROR_RESPONSES},
        parameters=[IF_MATCH],
    )
    @action(
        detail=True,
        methods=["get", "post"],
        parser_classes=[MultiPartParser],
        pagination_class=None,
        filterset_class=None,
    )
    def attachments(self, request: Request, pk: Any = None) -> Response:
        petition = self._petition()
        context = {"identity_hidden": selectors.identity_hidden(petition)}
        if request.method == "GET":
            return Response(
                AttachmentSerializer(petition.attachments.all(), many=True, context=context).data
            )
        serializer = AttachmentUploadSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        attachment = services.attachment_add(
            actor=_user(request),
            petition=petition,
            upload=serializer.validated_data["file"],
            expected_version=expected_version(request, petition.pk),
        )
        return Response(AttachmentSerializer(attachment, context=context).data, status=201)

    @extend_schema(
        request=ReasonSerializer,
        responses={200: IdentityOutSerializer, **ERROR_RESPONSES},
        summary=(
            "Show the petitioners in full: a denouncer's identity (grant holders) or numbers "
            "masked to the caller; logged"
        ),
    )
    @action(detail=True, methods=["post"], parser_classes=[JSONParser])
    def identity(self, request: Request, pk: Any = None) -> Response:
        petition = self._petition()
        serializer = ReasonSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        people = services.identity_reveal(
            actor=_user(request),
            petition=petition,
            reason=serializer.validated_data["reason"],
            channel="api",
        )
        return Response({"petitioners": [selectors.identity_row(p) for p in people]})

    @extend_schema(responses={200: DuplicateSerializer(many=True), 404: ERROR_RESPONSES[404]})
    @action(detail=True, methods=["get"], pagination_class=None, filterset_class=None)
    def duplicates(self, request: Request, pk: Any = None) -> Response:
        petition = self._petition()
        # By the stored keyed hashes; a denouncer's only for a holder of a covering grant.
        people = [party.petitioner for party in petition.parties.all()]
        if selectors.identity_hidden(petition) and not selectors.user_may_see_denouncer(
            request.user, petition
        ):
            people = []
        found = selectors.duplicate_candidates(
            request.user,
            petitioners=people,
            location_unit_id=petition.location_unit_id,
            text=f"{petition.summary} {petition.content}",
            exclude_id=petition.pk,
            exclude_ids=services.dismissed_duplicates(petition),
        )
        return self._duplicates_response(found)

    @_action_schema(DismissDuplicateSerializer, "Dismiss a duplicate suggestion")
    @action(detail=True, methods=["post"], url_path="dismiss-duplicate")
    def dismiss_duplicate(self, request: Request, pk: Any = None) -> Response:
        def call(p: Petition, v: dict[str, Any], ev: int | None) -> Any:
            services._check_version(p, ev)
            try:
                candidate = selectors.petition_get_for(request.user, v["candidate"])
            except Exception:
                raise ServiceError(
                    str(_("This petition does not exist or is outside your units.")),
                    field="candidate",
                ) from None
            services.petition_dismiss_duplicate(
                actor=_user(request), petition=p, candidate=candidate, reason=v["reason"]
            )

        return self._run(DismissDuplicateSerializer, call)

    @extend_schema(
        request=DuplicateQuerySerializer,
        responses={200: DuplicateSerializer(many=True), 400: ERROR_RESPONSES[400]},
        summary="Earlier petitions that may be the same matter (at intake, before saving)",
    )
    @action(
        detail=False,
        methods=["post"],
        url_path="duplicate-candidates",
        pagination_class=None,
        filterset_class=None,
    )
    def duplicate_candidates(self, request: Request) -> Response:
        serializer = DuplicateQuerySerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        v = serializer.validated_data
        found = selectors.duplicate_candidates(
            request.user,
            citizen_ids=[*v["citizen_ids"], *[p["citizen_id"] for p in v["petitioners"]]],
            names_and_phones=[(p["full_name"], p["phone"]) for p in v["petitioners"]],
            location_unit_id=v.get("location_unit"),
            text=v["text"],
        )
        return self._duplicates_response(found)

    def _duplicates_response(self, found: Sequence[tuple[Petition, str]]) -> Response:
        context = self.get_serializer_context()
        return Response(
            [
                {
                    "reason": why,
                    "petition": PetitionListSerializer(petition, context=context).data,
                }
                for petition, why in found
            ]
        )

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "updated_since",
                OpenApiTypes.DATETIME,
                description=str(_("Changes after this moment (from the previous answer).")),
            ),
            OpenApiParameter(
                "after_id",
                int,
                description=str(_("With updated_since: the next_after_id of the previous answer.")),
            ),
            OpenApiParameter(
                "limit",
                int,
                description=str(_("Rows per answer (max 500).")),
            ),
        ],
        responses={200: SyncSerializer, 400: ERROR_RESPONSES[400]},
        summary="Incremental sync: what changed and what was deleted, oldest change first",
    )
    @action(detail=False, methods=["get"], pagination_class=None, filterset_class=None)
    def sync(self, request: Request) -> Response:
        since_raw = request.query_params.get("updated_since")
        since: datetime | None = None
        if since_raw:
            since = parse_client_datetime(since_raw)
            if since is None:
                raise ServiceError(
                    str(_("Give a date and time in ISO 8601 format.")), field="updated_since"
                )
        try:
            after_id = int(request.query_params.get("after_id", 0))
            limit = min(max(int(request.query_params.get("limit", 100)), 1), 500)
        except ValueError:
            raise ServiceError(str(_("Enter a whole number.")), field="after_id") from None
        rows = selectors.petitions_changed_since(
            request.user, since=since, after_id=after_id, limit=limit + 1
        )
        has_more = len(rows) > limit
        rows = rows[:limit]
        last = rows[-1] if rows else None
        context = self.get_serializer_context()
        return Response(
            {
                "results": PetitionListSerializer(
                    [r for r in rows if r.deleted_at is None], many=True, context=context
                ).data,
                "deleted": [r.pk for r in rows if r.deleted_at is not None],
                "next_updated_since": last.updated_at if last else since,
                "next_after_id": last.pk if last else after_id,
                "has_more": has_more,
            }
        )


# --- Reference lists and reception sessions -------------------------------------------------------
@extend_schema(tags=["petitions"])
class PetitionFieldViewSet(viewsets.ReadOnlyModelViewSet):
    """The fields (lĩnh vực) a petition can be filed under."""

    serializer_class = PetitionFieldSerializer
    ordering = ("position", "id")
    pagination_class = None
    queryset = PetitionField.objects.filter(is_active=True)


class ReceptionSessionSerializer(serializers.ModelSerializer):
    unit = serializers.IntegerField(source="unit_id", label=_("unit"))
    unit_name = serializers.CharField(source="unit.name", read_only=True)
    petition_count = serializers.SerializerMethodField()

    class Meta:
        model = ReceptionSession
        fields = [
            "id",
            "unit",
            "unit_name",
            "held_on",
            "leader_name",
            "citizens_count",
            "notes",
            "created_at",
            "petition_count",
        ]
        read_only_fields = ["id", "unit_name", "created_at", "petition_count"]

    @extend_schema_field(serializers.IntegerField())
    def get_petition_count(self, session: ReceptionSession) -> int:
        return getattr(session, "petition_count", 0)


@extend_schema(tags=["petitions"])
class ReceptionSessionViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Citizen-reception sessions of the user's units; add petitions with `reception_session`."""

    serializer_class = ReceptionSessionSerializer
    pagination_class = ReceptionSessionPagination
    queryset = ReceptionSession.objects.none()

    def get_queryset(self) -> QuerySet[ReceptionSession]:
        from django.db.models import Count, Q

        return selectors.reception_sessions_visible_to(self.request.user).annotate(
            petition_count=Count("petitions", filter=Q(petitions__deleted_at__isnull=True))
        )

    def get_object(self) -> ReceptionSession:
        session = selectors.reception_session_get_for(self.request.user, self.kwargs["pk"])
        return self.get_queryset().get(pk=session.pk)

    @extend_schema(responses={201: ReceptionSessionSerializer, **ERROR_RESPONSES})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        gate_create(request.user, actions.RECORD_SESSION)
        serializer = ReceptionSessionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        v = serializer.validated_data
        session = services.reception_session_create(
            actor=_user(request),
            unit=v["unit_id"],
            held_on=v["held_on"],
            leader_name=v["leader_name"],
            citizens_count=v.get("citizens_count", 0),
            notes=v.get("notes", ""),
        )
        session = self.get_queryset().get(pk=session.pk)
        return Response(ReceptionSessionSerializer(session).data, status=status.HTTP_201_CREATED)
