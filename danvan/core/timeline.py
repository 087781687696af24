"""
One timeline shape for every record (docs/api.md, "One contract").

`GET …/{id}/timeline/` answers the record's events oldest first, a cursor page at a time, like
every other list: `{"next", "previous", "results"}`, each event

    {id, at, actor, actor_name, action, action_display, reason, from_status, to_status, data,
     origin}

Records without a status (tasks, directives, meetings) answer "" for the two statuses, and the
reason their event data carries, if any. `origin` is null, except on the events of another
record merged into this one (a merged petition's): `{id, code}` of the record they happened on.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from danvan.core.pagination import CursorPagination


class TimelinePagination(CursorPagination):
    # Oldest first; ids grow with time, so the id alone is a stable, unique cursor key.
    ordering = ("id",)

    def get_ordering(self, request: Any, queryset: Any, view: Any) -> tuple[str, ...]:
        return ("id",)  # not the viewset's own ordering (its records' lists are newest first)


class TimelineOriginSerializer(serializers.Serializer):
    """The record an event happened on, when it was merged into the one asked about."""

    id = serializers.IntegerField()
    code = serializers.CharField()

    class Meta:
        ref_name = "TimelineOrigin"


class TimelineEventSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    at = serializers.DateTimeField()
    actor = serializers.IntegerField(source="actor_id", allow_null=True)
    actor_name = serializers.SerializerMethodField()
    action = serializers.CharField()
    action_display = serializers.SerializerMethodField()
    reason = serializers.SerializerMethodField()
    from_status = serializers.SerializerMethodField()
    to_status = serializers.SerializerMethodField()
    data = serializers.DictField()  # type: ignore[assignment]  # a field, not .data
    origin = serializers.SerializerMethodField()

    class Meta:
        ref_name = "TimelineEvent"

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_actor_name(self, event: Any) -> str | None:
        return str(event.actor) if event.actor_id else None

    @extend_schema_field(serializers.CharField())
    def get_action_display(self, event: Any) -> str:
        display = getattr(event, "get_action_display", None)
        if display is not None:
            return str(display())
        names: Mapping[str, Any] = self.context.get("action_names", {})
        return str(names.get(event.action, event.action))

    @extend_schema_field(serializers.CharField())
    def get_reason(self, event: Any) -> str:
        reason = getattr(event, "reason", None)
        if reason is None:
            data = event.data if isinstance(event.data, dict) else {}
            reason = data.get("reason") or ""
        return str(reason)

    @extend_schema_field(TimelineOriginSerializer(allow_null=True))
    def get_origin(self, event: Any) -> dict[str, Any] | None:
        code = getattr(event, "origin_code", None)
        if not code:
            return None
        return {"id": event.origin_id, "code": code}

    @extend_schema_field(serializers.CharField())
    def get_from_status(self, event: Any) -> str:
        return str(getattr(event, "from_status", "") or "")

    @extend_schema_field(serializers.CharField())
    def get_to_status(self, event: Any) -> str:
        return str(getattr(event, "to_status", "") or "")


def timeline_response(
    request: Request,
    view: Any,
    events: QuerySet[Any],
    action_names: Mapping[str, Any] | None = None,
) -> Response:
    paginator = TimelinePagination()
    page = paginator.paginate_queryset(events.select_related("actor"), request, view=view)
    context = {"action_names": action_names or {}}
    data = TimelineEventSerializer(page, many=True, context=context).data
    return paginator.get_paginated_response(data)
