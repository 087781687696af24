"""
The petition API's serializers: what a list row, a detail and each step's input look like.
Thin: every rule lives in the services (petitions.services); these only shape and bound input.
"""

from __future__ import annotations

import copy
from typing import Any, cast

from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field, inline_serializer
from rest_framework import serializers

from danvan.core.downloads import api_link
from danvan.core.fields import CalendarDateField
from danvan.core.records import AvailableActionsField
from danvan.org.serializers import UnitRefSerializer
from petitions import selectors, services
from petitions.models import (
    REDACTED,
    Attachment,
    Channel,
    Complexity,
    DeadlineState,
    LinkKind,
    Notice,
    NoticeStatus,
    Petition,
    PetitionField,
    PetitionKind,
    ReceptionSession,
    RespondentKind,
    Result,
    Status,
)

CITIZEN_ID_MESSAGE = _("A citizen ID number (CCCD) has exactly 12 digits.")


# --- Serializers: reading -----------------------------------------------------------------------
class FieldRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    name = serializers.CharField(source="__str__")


class PetitionFieldSerializer(serializers.ModelSerializer):
    class Meta:
        model = PetitionField
        fields = ["id", "code", "name", "parent", "position"]


_LABELS: dict[str, tuple[dict[str, str], dict[str, str]]] = {}


def _choice_labels() -> tuple[dict[str, str], dict[str, str]]:
    """Kind and status labels in the active language, translated once per language."""
    language = get_language() or ""
    labels = _LABELS.get(language)
    if labels is None:
        labels = _LABELS[language] = (
            {value: str(label) for value, label in PetitionKind.choices},
            {value: str(label) for value, label in Status.choices},
        )
    return labels


def _unit_ref(unit: Any) -> dict[str, Any] | None:
    return None if unit is None else {"id": unit.pk, "code": unit.code, "name": unit.name}


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

    def to_representation(self, instance: Petition) -> dict[str, Any]:
        """
        A list row written out directly: DRF's generic walk (an attribute look-up, a
        signature inspection and a translated label per field and row) cost most of a page's
        time. Same keys, order and values as the generic walk (tested against it); a
        subclass (the detail) keeps the generic walk.
        """
        if type(self) is not PetitionListSerializer:
            return super().to_representation(instance)
        p, fields = instance, self.fields
        kinds, statuses = _choice_labels()
        deadline = _deadline(self, p)
        area = p.field
        return {
            "id": p.pk,
            "code": p.code,
            "client_id": None if p.client_id is None else str(p.client_id),
            "version": p.version,
            "received_on": fields["received_on"].to_representation(p.received_on),
            "channel": p.channel,
            "kind": p.kind,
            "kind_display": kinds.get(p.kind, p.kind),
            "field": None
            if area is None
            else {"id": area.pk, "code": area.code, "name": str(area)},
            "summary": p.summary,
            "status": p.status,
            "status_display": statuses.get(p.status, p.status),
            "location_unit": _unit_ref(p.location_unit),
            "receiving_unit": _unit_ref(p.receiving_unit),
            "handling_unit": _unit_ref(p.handling_unit),
            "assignee": p.assignee_id,
            "assignee_name": self.get_assignee_name(p),
            "petitioner_names": self.get_petitioner_names(p),
            "identity_hidden": self.get_identity_hidden(p),
            "is_anonymous": p.is_anonymous,
            "is_collective": p.is_collective,
            "head_count": p.head_count,
            "clock_stage": p.clock_stage,
            "due_date": None
            if p.due_date is None
            else fields["due_date"].to_representation(p.due_date),
            "deadline_state": deadline.state,
            "working_days_left": deadline.working_days_left,
            "updated_at": fields["updated_at"].to_representation(p.updated_at),
        }

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
    email = serializers.CharField(allow_null=True)


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

    @extend_schema_field(
        serializers.CharField(
            allow_null=True,
            help_text=(
                "GET petitions/{id}/attachments/{attachment_id}/ (the bytes, for whoever "
                "may see the petition); null for a denunciation's files."
            ),
        )
    )
    def get_url(self, attachment: Attachment) -> str | None:
        # A denunciation's scanned letter shows handwriting: no direct link to it.
        if self.context.get("identity_hidden"):
            return None
        # Through the scoped download, never a /media/ address.
        return api_link(
            self.context, "petition-attachment-file", attachment.petition_id, attachment.pk
        )


class RecommendedActionSerializer(serializers.Serializer):
    """The one step to offer first (one of `available_actions`) and why, in one line."""

    action = serializers.CharField()
    why = serializers.CharField()

    class Meta:
        ref_name = "PetitionRecommendedAction"


class FieldsBuiltOnce:
    """
    A ModelSerializer whose fields DRF would build from the model for every instance (a
    third of a petition detail's time, answered after every create): built once per class,
    and each instance given a deep copy, unbound, as DRF does with declared fields.
    """

    def get_fields(self) -> Any:
        cls = type(self)
        template = cls.__dict__.get("_danvan_fields")
        if template is None:
            template = super().get_fields()  # type: ignore[misc]
            cls._danvan_fields = template  # type: ignore[attr-defined]
        return copy.deepcopy(template)


class PetitionDetailSerializer(FieldsBuiltOnce, PetitionListSerializer):
    petitioners = serializers.SerializerMethodField()
    respondents = RespondentSerializer(many=True, read_only=True)
    attachments = serializers.SerializerMethodField()
    answers = serializers.SerializerMethodField()
    suspensions = serializers.SerializerMethodField()
    extensions = serializers.SerializerMethodField()
    transfers = serializers.SerializerMethodField()
    links = serializers.SerializerMethodField()
    allowed_actions = serializers.SerializerMethodField()
    available_actions = AvailableActionsField("petitions.workflow.WORKFLOW")
    recommended_action = serializers.SerializerMethodField()
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
            "recommended_action",
        ]
        read_only_fields = fields

    def to_representation(self, petition: Petition) -> Any:
        data = super().to_representation(petition)
        # From the steps just listed, so the person's steps are worked out once.
        recommendation = services.recommended_action(petition, data["available_actions"])
        data["recommended_action"] = (
            {"action": recommendation.action, "why": recommendation.why} if recommendation else None
        )
        return data

    @extend_schema_field(RecommendedActionSerializer(allow_null=True))
    def get_recommended_action(self, petition: Petition) -> None:
        """Filled in by `to_representation` from `available_actions`."""
        return None

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
    email = serializers.EmailField(
        max_length=254,
        required=False,
        allow_blank=True,
        label=_("e-mail"),
        help_text=_("Where the citizen receives the notices of the procedure."),
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
    # The answer to duplicate-candidates/, recorded with the petition (by whoever records it).
    duplicate_of = serializers.IntegerField(
        required=False,
        allow_null=True,
        min_value=1,
        max_value=2**63 - 1,
        label=_("repeat of"),
        help_text=_("An earlier petition this one repeats: linked as its duplicate."),
    )
    dismissed_duplicates = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=2**63 - 1),
        required=False,
        default=list,
        max_length=50,
        label=_("suggestions dismissed"),
        help_text=_("Suggested petitions that are not the same matter: not suggested again."),
    )

    def duplicates(self) -> dict[str, Any]:
        """petition_create's duplicate_of and dismissed."""
        return {
            "duplicate_of": self.validated_data.get("duplicate_of"),
            "dismissed": self.validated_data.get("dismissed_duplicates", []),
        }

    def to_data(self) -> services.PetitionData:
        v = dict(self.validated_data)
        v.pop("client_id", None)
        v.pop("duplicate_of", None)
        v.pop("dismissed_duplicates", None)
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


class OptionalReasonSerializer(serializers.Serializer):
    """A routine step: the reason is a note, not a requirement (services.REASON_REQUIRED)."""

    reason = serializers.CharField(required=False, allow_blank=True, default="", label=_("reason"))


class AcceptSerializer(OptionalReasonSerializer):
    accepted_on = CalendarDateField(required=False, label=_("accepted on"))


class GuideSerializer(ReasonSerializer):
    competent_body = serializers.CharField(max_length=255, label=_("competent body"))


class TransferSerializer(OptionalReasonSerializer):
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


class ResumeSerializer(OptionalReasonSerializer):
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


class PetitionNoteSerializer(serializers.Serializer):
    """An internal note of the staff: {id, author, author_name, text, created}."""

    id = serializers.IntegerField(read_only=True)
    author = serializers.IntegerField(source="author_id", allow_null=True, read_only=True)
    author_name = serializers.SerializerMethodField()
    text = serializers.CharField(read_only=True)
    created = serializers.DateTimeField(read_only=True)

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_author_name(self, note: Any) -> str | None:
        return str(note.author) if note.author_id else None


class PetitionNoteInSerializer(serializers.Serializer):
    text = serializers.CharField(
        max_length=services.NOTE_MAX_LENGTH, label=_("text"), trim_whitespace=True
    )


class MergeSerializer(serializers.Serializer):
    absorbed = serializers.IntegerField(
        min_value=1, max_value=2**63 - 1, label=_("petition merged into this one")
    )
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


# --- Notices to citizens -------------------------------------------------------------------------
class NoticeSerializer(serializers.ModelSerializer):
    """A notice in a list: what it is, for which petition, when it is due."""

    petition_code = serializers.CharField(source="petition.code", read_only=True)
    unit = UnitRefSerializer(read_only=True)
    overdue = serializers.SerializerMethodField()

    class Meta:
        model = Notice
        fields = [
            "id",
            "petition",
            "petition_code",
            "kind",
            "status",
            "unit",
            "title",
            "form_reference",
            "due_on",
            "overdue",
            "number",
            "issued_on",
            "version",
            "updated_at",
        ]
        read_only_fields = fields

    def get_overdue(self, notice: Notice) -> bool:
        return notice.status == NoticeStatus.DRAFT and notice.due_on < services.today_local()


class NoticeDetailSerializer(NoticeSerializer):
    addressee = serializers.SerializerMethodField()
    body = serializers.CharField(read_only=True)
    document_url = serializers.SerializerMethodField()
    available_actions = AvailableActionsField("petitions.workflow.NOTICE_WORKFLOW")

    class Meta(NoticeSerializer.Meta):
        fields = [
            *NoticeSerializer.Meta.fields,
            "addressee",
            "body",
            "place",
            "signer",
            "signer_title",
            "issued_at",
            "withdraw_reason",
            "document_url",
            "available_actions",
        ]
        read_only_fields = fields

    def get_addressee(self, notice: Notice) -> str:
        """As typed; a denunciation's (it may name the denouncer) only to those granted."""
        if notice.addressee and selectors.identity_hidden(notice.petition):
            request = self.context.get("request")
            user = getattr(request, "user", None)
            if not selectors.user_may_see_denouncer(user, notice.petition):
                return str(REDACTED)
        return notice.addressee

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_document_url(self, notice: Notice) -> str | None:
        """The issued document (.docx), through the scoped download."""
        if not notice.document:
            return None
        request = self.context.get("request")
        path = f"/api/v1/notices/{notice.pk}/document/"
        return request.build_absolute_uri(path) if request is not None else path


class NoticeUpdateSerializer(serializers.Serializer):
    addressee = serializers.CharField(
        max_length=255, required=False, allow_blank=True, label=_("addressed to")
    )
    body = serializers.CharField(required=False, label=_("text"))
    place = serializers.CharField(
        max_length=100, required=False, allow_blank=True, label=_("place of issue")
    )
    number = serializers.CharField(
        max_length=50, required=False, allow_blank=True, label=_("document number")
    )
    signer = serializers.CharField(
        max_length=150, required=False, allow_blank=True, label=_("signed by")
    )
    signer_title = serializers.CharField(
        max_length=150, required=False, allow_blank=True, label=_("signer's position")
    )
    issued_on = CalendarDateField(required=False, allow_null=True, label=_("issued on"))


class NoticeIssueSerializer(serializers.Serializer):
    number = serializers.CharField(max_length=50, required=False, label=_("document number"))
    signer = serializers.CharField(max_length=150, required=False, label=_("signed by"))
    signer_title = serializers.CharField(
        max_length=150, required=False, label=_("signer's position")
    )
    issued_on = CalendarDateField(required=False, label=_("issued on"))
    place = serializers.CharField(
        max_length=100, required=False, allow_blank=True, label=_("place of issue")
    )
