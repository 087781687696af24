"""
REST API for petitions and reception sessions: thin viewsets over the selectors (reads) and
services (writes), with the one record contract of danvan.core.records (ETag, If-Match,
idempotent create, sync, timeline). Workflow steps are declared in petitions.workflow and are
POST actions, never PATCHes of the status.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, cast

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError
from django.db.models import Count, Q, QuerySet
from django.http import FileResponse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from danvan.core.downloads import OCTET_STREAM, file_response
from danvan.core.gates import gate_create
from danvan.core.idempotency import key_as_uuid
from danvan.core.pagination import CursorPagination
from danvan.core.parsers import JSONParser
from danvan.core.records import IDEMPOTENCY_KEY, IF_MATCH, RecordViewSetMixin, record_api
from danvan.core.versions import expected_version
from danvan.org.models import User
from petitions import roles as actions
from petitions import selectors, services
from petitions.filters import NoticeFilter, PetitionFilter
from petitions.models import Notice, Petition, PetitionEvent, PetitionField, ReceptionSession
from petitions.serializers import (
    AttachmentSerializer,
    AttachmentUploadSerializer,
    DuplicateQuerySerializer,
    DuplicateSerializer,
    IdentityOutSerializer,
    NoticeDetailSerializer,
    NoticeSerializer,
    NoticeUpdateSerializer,
    PetitionCreateSerializer,
    PetitionDetailSerializer,
    PetitionFieldSerializer,
    PetitionListSerializer,
    PetitionNoteInSerializer,
    PetitionNoteSerializer,
    PetitionUpdateSerializer,
    ReasonSerializer,
    ReceptionSessionSerializer,
)
from petitions.services.notices import notice_document_open
from petitions.workflow import NOTICE_WORKFLOW, WORKFLOW


class PetitionPagination(CursorPagination):
    # Newest received first; the id breaks ties so pages never skip or repeat.
    ordering = ("-received_on", "-id")  # type: ignore[assignment]


class ReceptionSessionPagination(CursorPagination):
    ordering = ("-held_on", "-id")  # type: ignore[assignment]


@extend_schema(tags=["petitions"])
@record_api(
    name="Petition", detail=PetitionDetailSerializer, row=PetitionListSerializer, workflow=WORKFLOW
)
class PetitionViewSet(
    RecordViewSetMixin,
    mixins.ListModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Petitions received or handled by the user's units (and the units below them)."""

    serializer_class = PetitionListSerializer
    filterset_class = PetitionFilter
    pagination_class = PetitionPagination
    queryset = Petition.objects.none()
    sync_aliases = True
    # The right to change the petition at all, asked before the body is read (the steps'
    # gates come from the workflow).
    write_gates = {
        "attachments": services.require_attacher,
        "notes": services.require_noter,
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

    def scoped_record(self, pk: Any) -> Petition:
        return selectors.petition_get_for(self.request.user, pk)

    def detail_record(self, pk: Any) -> Petition:
        return selectors.petition_detail(self.request.user, pk)

    def timeline_events(self, record: Petition) -> QuerySet[PetitionEvent]:
        return selectors.petition_timeline(record)

    def sync_deleted(self) -> QuerySet[Petition]:
        return selectors.petitions_deleted_for(self.request.user)

    @extend_schema(
        request=PetitionCreateSerializer,
        parameters=[IDEMPOTENCY_KEY],
        responses={
            201: PetitionDetailSerializer,
            200: OpenApiResponse(
                PetitionDetailSerializer, description="Already created (a retry)."
            ),
        },
    )
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        gate_create(request.user, actions.INTAKE)
        serializer = PetitionCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data, duplicates = serializer.to_data(), serializer.duplicates()

        def create(careful: bool) -> Response:
            return self.create_once(
                Petition,
                lambda key, claimed: services.petition_create(
                    actor=self.actor,
                    data=data,
                    client_id=key_as_uuid(request.user.pk, key) if key else None,
                    optimistic=claimed and not careful,
                    **duplicates,
                ),
                body_key=serializer.validated_data.get("client_id"),
                keyed=True,
            )

        try:
            # Optimistic: the key claimed in this transaction, no savepoints, no re-read.
            return create(careful=False)
        except IntegrityError:
            # A race the optimistic create does not settle in its transaction (a CCCD just
            # registered by a concurrent intake, a client id of someone else's petition):
            # everything was rolled back; the careful create looks first and settles it.
            return create(careful=True)

    def created_detail(self, record: Petition) -> Petition | None:
        return services.recorded_detail(record)

    @extend_schema(
        request=PetitionUpdateSerializer,
        responses={200: PetitionDetailSerializer},
        parameters=[IF_MATCH],
    )
    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        petition = self.get_object()
        serializer = PetitionUpdateSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        services.petition_update(
            actor=self.actor,
            petition=petition,
            changes=dict(serializer.validated_data),
            expected_version=expected_version(request, petition),
        )
        return self.detail_response(petition)

    @extend_schema(methods=["get"], responses={200: AttachmentSerializer(many=True)})
    @extend_schema(
        methods=["post"],
        request={"multipart/form-data": AttachmentUploadSerializer},
        responses={201: AttachmentSerializer},
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
        petition = self.get_object()
        context = {"identity_hidden": selectors.identity_hidden(petition), "request": request}
        if request.method == "GET":
            return Response(
                AttachmentSerializer(petition.attachments.all(), many=True, context=context).data
            )
        serializer = AttachmentUploadSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        attachment = services.attachment_add(
            actor=self.actor,
            petition=petition,
            upload=serializer.validated_data["file"],
            expected_version=expected_version(request, petition),
        )
        return Response(
            AttachmentSerializer(attachment, context=context).data, status=status.HTTP_201_CREATED
        )

    @extend_schema(
        methods=["get"],
        responses={200: PetitionNoteSerializer(many=True)},
        summary="The staff's internal notes on the petition, oldest first (never the citizen's)",
    )
    @extend_schema(
        methods=["post"],
        request=PetitionNoteInSerializer,
        responses={201: PetitionNoteSerializer},
        parameters=[IF_MATCH],
        summary="Leave an internal note (staff only: never shown to the citizen)",
    )
    @action(
        detail=True,
        methods=["get", "post"],
        parser_classes=[JSONParser],
        pagination_class=None,
        filterset_class=None,
    )
    def notes(self, request: Request, pk: Any = None) -> Response:
        petition = self.get_object()
        if request.method == "GET":
            return Response(
                PetitionNoteSerializer(selectors.petition_notes(petition), many=True).data
            )
        serializer = PetitionNoteInSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        note = services.petition_note_add(
            actor=self.actor,
            petition=petition,
            text=serializer.validated_data["text"],
            expected_version=expected_version(request, petition),
        )
        return Response(PetitionNoteSerializer(note).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        responses={
            # As the reports' downloads: a generated client reads bytes.
            (200, "application/octet-stream"): OpenApiTypes.BINARY,
            403: OpenApiResponse(description="A denunciation's files are not downloaded."),
        },
    )
    @action(
        detail=True,
        methods=["get"],
        url_path=r"attachments/(?P<attachment_id>[0-9]+)",
        url_name="attachment-file",
        pagination_class=None,
        filterset_class=None,
    )
    def attachment_file(self, request: Request, pk: Any = None, attachment_id: Any = None) -> Any:
        """One attachment's file, named as sent (the `url` of an attachment)."""
        petition = self.get_object()
        attachment = selectors.attachment_get_for(request.user, petition.pk, attachment_id)
        if selectors.identity_hidden(petition):
            raise PermissionDenied(_("A denunciation's files are not downloaded here."))
        return file_response(
            attachment.file, name=attachment.original_name, content_type=OCTET_STREAM
        )

    @extend_schema(
        request=ReasonSerializer,
        responses={200: IdentityOutSerializer},
        summary=(
            "Show the petitioners in full: a denouncer's identity (grant holders) or numbers "
            "masked to the caller; logged"
        ),
    )
    @action(detail=True, methods=["post"], parser_classes=[JSONParser])
    def identity(self, request: Request, pk: Any = None) -> Response:
        petition = self.get_object()
        serializer = ReasonSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        people = services.identity_reveal(
            actor=self.actor,
            petition=petition,
            reason=serializer.validated_data["reason"],
            channel="api",
        )
        return Response({"petitioners": [selectors.identity_row(p) for p in people]})

    @extend_schema(responses={200: DuplicateSerializer(many=True)})
    @action(detail=True, methods=["get"], pagination_class=None, filterset_class=None)
    def duplicates(self, request: Request, pk: Any = None) -> Response:
        petition = self.get_object()
        # By the stored keyed hashes; a denouncer's only for a holder of a covering grant.
        return self._duplicates_response(selectors.duplicate_suggestions(request.user, petition))

    @extend_schema(
        request=DuplicateQuerySerializer,
        responses={200: DuplicateSerializer(many=True)},
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
                {"reason": why, "petition": PetitionListSerializer(petition, context=context).data}
                for petition, why in found
            ]
        )


# --- Reference lists and reception sessions -------------------------------------------------------
@extend_schema(tags=["petitions"])
class PetitionFieldViewSet(viewsets.ReadOnlyModelViewSet):
    """The fields (lĩnh vực) a petition can be filed under."""

    serializer_class = PetitionFieldSerializer
    ordering = ("position", "id")
    queryset = PetitionField.objects.filter(is_active=True)


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
        return selectors.reception_sessions_visible_to(self.request.user).annotate(
            petition_count=Count("petitions", filter=Q(petitions__deleted_at__isnull=True))
        )

    def get_object(self) -> ReceptionSession:
        session = selectors.reception_session_get_for(self.request.user, self.kwargs["pk"])
        return self.get_queryset().get(pk=session.pk)

    @extend_schema(responses={201: ReceptionSessionSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        gate_create(request.user, actions.RECORD_SESSION)
        serializer = ReceptionSessionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        v = serializer.validated_data
        session = services.reception_session_create(
            actor=cast(User, request.user),
            unit=v["unit_id"],
            held_on=v["held_on"],
            leader_name=v["leader_name"],
            citizens_count=v.get("citizens_count", 0),
            notes=v.get("notes", ""),
        )
        session = self.get_queryset().get(pk=session.pk)
        return Response(ReceptionSessionSerializer(session).data, status=status.HTTP_201_CREATED)


class NoticePagination(CursorPagination):
    ordering = ("due_on", "id")  # type: ignore[assignment]


@extend_schema(tags=["petitions"])
@record_api(
    name="Notice",
    detail=NoticeDetailSerializer,
    row=NoticeSerializer,
    workflow=NOTICE_WORKFLOW,
    timeline=False,
)
class NoticeViewSet(RecordViewSetMixin, mixins.ListModelMixin, viewsets.GenericViewSet):
    """
    The written notices to citizens of the person's petitions, the most pressing first:
    drafted by the steps the law ties to a notice, issued by the issuing unit's handlers.
    """

    serializer_class = NoticeSerializer
    filterset_class = NoticeFilter
    pagination_class = NoticePagination
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self) -> QuerySet[Notice]:
        return selectors.notice_list(self.request.user)

    def scoped_record(self, pk: Any) -> Notice:
        return selectors.notice_get_for(self.request.user, pk)

    @extend_schema(
        request=NoticeUpdateSerializer, responses=NoticeDetailSerializer, parameters=[IF_MATCH]
    )
    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Edit a draft; send If-Match with the ETag."""
        notice = self.get_object()
        data = NoticeUpdateSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        services.notice_update(
            actor=cast(User, request.user),
            notice=notice,
            changes=dict(data.validated_data),
            expected_version=expected_version(request, notice),
        )
        return self.detail_response(notice)

    @extend_schema(
        responses={
            # As the reports' downloads: a generated client reads bytes.
            (200, "application/octet-stream"): OpenApiTypes.BINARY,
            409: OpenApiResponse(description="The notice is not issued yet."),
        },
    )
    @action(detail=True, methods=["get"])
    def document(self, request: Request, pk: str) -> Any:
        """The issued document (.docx); a denunciation's only to those granted (logged)."""
        notice = self.get_object()
        return notice_document_response(request.user, notice, channel="api")


def notice_document_response(user: Any, notice: Notice, *, channel: str) -> FileResponse:
    handle = notice_document_open(user, notice, channel=channel)
    return FileResponse(
        handle,
        as_attachment=True,
        filename=f"{notice.petition.code}-{notice.kind}.docx",
        content_type="application/octet-stream",
    )
