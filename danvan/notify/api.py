"""API for the mobile app's inbox and for the push gateway."""

from __future__ import annotations

import datetime
from typing import Any

from django.db import models
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_field, inline_serializer
from rest_framework import mixins, permissions, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from danvan.core.records import IF_MATCH, RecordViewSetMixin, record_api
from danvan.core.versions import expected_version
from danvan.notify import selectors, services
from danvan.notify.messages import request_link
from danvan.notify.models import Notification, NotificationPreference, OutboxMessage, TargetType


class NotificationTargetSerializer(serializers.Serializer):
    """The record a notification points at: GET /api/v1/<type>s/<id>/ opens it."""

    type = serializers.ChoiceField(choices=TargetType.choices, read_only=True)
    id = serializers.IntegerField(read_only=True)


class NotificationSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField(
        help_text=_("The page of the item, on the host this request was sent to.")
    )
    target = serializers.SerializerMethodField(
        help_text=_("The record to open (deep link); null when the notification has none.")
    )
    is_read = serializers.SerializerMethodField()

    class Meta:
        model = Notification
        fields = [
            "id",
            "title",
            "body",
            "url",
            "target",
            "item_key",
            "created_at",
            "read_at",
            "is_read",
            "version",
            "updated_at",
        ]
        read_only_fields = fields

    @extend_schema_field(OpenApiTypes.STR)
    def get_url(self, obj: Notification) -> str:
        return request_link(self.context.get("request"), obj.url)

    @extend_schema_field(NotificationTargetSerializer(allow_null=True))
    def get_target(self, obj: Notification) -> dict[str, Any] | None:
        return obj.target

    def get_is_read(self, obj: Notification) -> bool:
        return obj.read_at is not None


class LocalTimeField(serializers.TimeField):
    """
    A wall-clock time of the office's day. A time with a UTC offset ("22:00+02:00") is
    refused (400 naming the field) rather than stored with its offset silently dropped:
    quiet hours are in the installation's time zone, whatever zone the client is in.
    """

    default_error_messages = {
        "offset": _(
            "Give the time without a time zone offset (hh:mm); quiet hours are local time."
        ),
    }

    def to_internal_value(self, value: Any) -> Any:
        if isinstance(value, str):
            try:
                has_offset = datetime.time.fromisoformat(value.strip()).tzinfo is not None
            except ValueError:
                has_offset = False
            if has_offset:
                # Django's parse_time drops the offset without a word.
                self.fail("offset")
        return super().to_internal_value(value)


class PreferenceSerializer(serializers.ModelSerializer):
    serializer_field_mapping = {
        **serializers.ModelSerializer.serializer_field_mapping,
        models.TimeField: LocalTimeField,
    }

    class Meta:
        model = NotificationPreference
        fields = ["email", "in_app", "push", "daily_digest", "quiet_start", "quiet_end"]

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        start = attrs.get("quiet_start", getattr(self.instance, "quiet_start", None))
        end = attrs.get("quiet_end", getattr(self.instance, "quiet_end", None))
        if (start is None) != (end is None):
            field = "quiet_end" if end is None else "quiet_start"
            raise serializers.ValidationError(
                {field: [_("Give both the start and the end of the quiet hours, or neither.")]}
            )
        if start is not None and start == end:
            raise serializers.ValidationError(
                {"quiet_end": [_("The quiet hours must end at another time than they start.")]}
            )
        return attrs


@record_api(
    name="Notification", detail=NotificationSerializer, row=NotificationSerializer, timeline=False
)
class NotificationViewSet(RecordViewSetMixin, mixins.ListModelMixin, viewsets.GenericViewSet):
    """The signed-in person's notifications, newest first."""

    serializer_class = NotificationSerializer
    ordering = ("-id",)

    def get_queryset(self) -> QuerySet[Notification]:
        return selectors.notifications_for(self.request.user).order_by("-id")

    def get_serializer_class(self) -> type[serializers.BaseSerializer]:
        # OPTIONS on the preferences route runs as the "metadata" action: ask the route.
        if "preferences" in getattr(self, "action_map", {}).values():
            return PreferenceSerializer
        return NotificationSerializer

    def scoped_record(self, pk: Any) -> Notification:
        return get_object_or_404(self.get_queryset(), pk=pk)  # another person's: 404

    @extend_schema(
        request=None,
        responses=inline_serializer("UnreadCount", {"unread": serializers.IntegerField()}),
    )
    @action(detail=False, methods=["get"], url_path="unread-count")
    def unread_count(self, request: Request) -> Response:
        return Response({"unread": selectors.unread_count(request.user)})

    @extend_schema(request=None, responses=NotificationSerializer, parameters=[IF_MATCH])
    @action(detail=True, methods=["post"])
    def read(self, request: Request, pk: Any = None) -> Response:
        notification = self.get_object()
        services.notification_mark_read(
            actor=request.user,
            notification=notification,
            expected_version=expected_version(request, notification),
        )
        return self.detail_response(notification)

    @extend_schema(
        request=None,
        responses=inline_serializer("ReadAll", {"marked": serializers.IntegerField()}),
    )
    @action(detail=False, methods=["post"], url_path="read-all")
    def read_all(self, request: Request) -> Response:
        return Response({"marked": services.notifications_mark_all_read(actor=request.user)})

    @extend_schema(methods=["get"], request=None, responses=PreferenceSerializer)
    @extend_schema(
        methods=["put", "patch"], request=PreferenceSerializer, responses=PreferenceSerializer
    )
    @action(detail=False, methods=["get", "put", "patch"], pagination_class=None)
    def preferences(self, request: Request) -> Response:
        """The signed-in person's channels, daily digest and quiet hours (GET, PUT, PATCH)."""
        current = selectors.preference_of(request.user)
        if request.method == "GET":
            return Response(PreferenceSerializer(current).data)
        serializer = PreferenceSerializer(
            current, data=request.data, partial=request.method == "PATCH"
        )
        serializer.is_valid(raise_exception=True)
        saved = services.preference_set(
            actor=request.user, user=request.user, **serializer.validated_data
        )
        return Response(PreferenceSerializer(saved).data)


class CanConsumeOutbox(permissions.BasePermission):
    message = _("Only the push gateway may read the push outbox.")

    def has_permission(self, request: Request, view: Any) -> bool:
        # Not a person's action on a unit's record (danvan.org.permissions): the permission of
        # the gateway's technical account, given by hand (docs/api.md); no role grants it.
        user = request.user
        return bool(user and user.is_authenticated and user.has_perm("notify.consume_outbox"))


class OutboxMessageSerializer(serializers.ModelSerializer):
    class Meta:
        model = OutboxMessage
        fields = ["id", "user", "title", "body", "data", "attempts", "created_at"]
        read_only_fields = fields


class AckSerializer(serializers.Serializer):
    ids = serializers.ListField(
        child=serializers.IntegerField(min_value=1), max_length=1000, label=_("message ids")
    )


class PushOutboxViewSet(viewsets.ReadOnlyModelViewSet):
    """Push messages waiting for the gateway, oldest first; the gateway acknowledges them."""

    serializer_class = OutboxMessageSerializer
    permission_classes = [CanConsumeOutbox]
    # The push gateway is a machine that acknowledges batches; no per-user write limit.
    throttle_classes: list[Any] = []
    ordering = ("id",)

    def get_queryset(self) -> QuerySet[OutboxMessage]:
        return selectors.outbox_waiting()

    @extend_schema(
        request=AckSerializer,
        responses=inline_serializer("Acked", {"acknowledged": serializers.IntegerField()}),
    )
    @action(detail=False, methods=["post"])
    def ack(self, request: Request) -> Response:
        serializer = AckSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        count = services.outbox_mark_sent(serializer.validated_data["ids"], user=request.user)
        return Response({"acknowledged": count})
