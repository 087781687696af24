"""
One sync contract for every record a phone keeps offline (docs/api.md, "One contract").

`GET …/sync/?updated_since=<ISO 8601>&after_id=<id>&limit=<1-500>` answers the rows changed
after the point, oldest change first, and the ids deleted since then, in one stream ordered by
(time, id):

    {"changed": [...], "deleted": [ids], "until": <time>, "until_id": <id>, "has_more": bool}

The next call passes `updated_since=until&after_id=until_id`: rows that share a timestamp (a
cascade writes thousands at once) are neither skipped nor repeated. Without `updated_since`
the stream starts at the beginning; with it and without `after_id`, rows at exactly that moment
count as already seen. Petitions also answer their first version's keys (`results`,
`next_updated_since`, `next_after_id`) as aliases, until the next major version of the API.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, inline_serializer
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from danvan.core.timestamps import parse_client_datetime

DEFAULT_LIMIT = 100
MAX_LIMIT = 500
# An after_id above every id: "all rows at updated_since are already seen".
AFTER_ALL_IDS = 2**62


@dataclass(frozen=True)
class SyncPoint:
    since: datetime.datetime | None
    after_id: int
    limit: int

    def q(self) -> Q:
        if self.since is None:
            return Q()
        # `(updated_at, id) > (since, after_id)`: the leading `updated_at >= since` is the
        # start of the (updated_at, id) index range; the OR only sorts out the first moment.
        return Q(updated_at__gte=self.since) & (
            Q(updated_at__gt=self.since) | Q(updated_at=self.since, id__gt=self.after_id)
        )


def _whole_number(request: Request, name: str, default: int, low: int, high: int) -> int:
    raw = request.query_params.get(name, "")
    if raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        value = low - 1
    if not low <= value <= high:
        raise ValidationError(
            {
                name: [
                    _("Enter a whole number from %(low)d to %(high)d.") % {"low": low, "high": high}
                ]
            }
        )
    return value


def sync_point(request: Request) -> SyncPoint:
    """The point a client asks from; a 400 naming the parameter that is not valid."""
    raw = request.query_params.get("updated_since", "")
    since = parse_client_datetime(raw) if raw else None
    if raw and since is None:
        raise ValidationError(
            {"updated_since": [_("Give a date and time like 2026-01-31T08:00:00+07:00.")]}
        )
    after_default = AFTER_ALL_IDS if since is not None else 0
    after_id = _whole_number(request, "after_id", after_default, 0, AFTER_ALL_IDS)
    limit = _whole_number(request, "limit", DEFAULT_LIMIT, 1, MAX_LIMIT)
    return SyncPoint(since=since, after_id=after_id, limit=limit)


def sync_response(
    request: Request,
    changed: QuerySet[Any],
    serialize: Callable[[list[Any]], Any],
    *,
    deleted: QuerySet[Any] | None = None,
    aliases: bool = False,
) -> Response:
    """
    The answer to a sync call: `changed` are the live rows the person may see (their list's
    queryset), `deleted` the tombstones they could see; both keep `updated_at` and `id`.
    """
    point = sync_point(request)
    rows = list(changed.filter(point.q()).order_by("updated_at", "id")[: point.limit + 1])
    gone = (
        list(
            deleted.filter(point.q())
            .order_by("updated_at", "id")
            .values_list("updated_at", "id")[: point.limit + 1]
        )
        if deleted is not None
        else []
    )
    items = sorted(
        [(row.updated_at, row.pk, row) for row in rows] + [(at, pk, None) for at, pk in gone],
        key=lambda item: (item[0], item[1]),
    )
    has_more = len(items) > point.limit
    page = items[: point.limit]
    until = page[-1][0] if page else point.since
    until_id = page[-1][1] if page else point.after_id
    body: dict[str, Any] = {
        "changed": serialize([item[2] for item in page if item[2] is not None]),
        "deleted": [item[1] for item in page if item[2] is None],
        "until": until,
        "until_id": until_id,
        "has_more": has_more,
    }
    if aliases:
        body.update(results=body["changed"], next_updated_since=until, next_after_id=until_id)
    return Response(body)


SYNC_PARAMETERS = [
    OpenApiParameter(
        "updated_since",
        datetime.datetime,
        description=str(
            _("Changes after this moment: the `until` of the previous answer; omit to start.")
        ),
    ),
    OpenApiParameter(
        "after_id",
        int,
        description=str(_("With updated_since: the `until_id` of the previous answer.")),
    ),
    OpenApiParameter(
        "limit",
        int,
        description=str(_("Rows per answer, 1 to 500 (default 100).")),
    ),
]


def sync_schema(name: str, row: type[serializers.BaseSerializer], *, aliases: bool = False) -> Any:
    """The answer's schema, `row` being the serializer class of one changed row."""
    fields: dict[str, Any] = {
        "changed": row(many=True),
        "deleted": serializers.ListField(child=serializers.IntegerField()),
        "until": serializers.DateTimeField(allow_null=True),
        "until_id": serializers.IntegerField(),
        "has_more": serializers.BooleanField(),
    }
    if aliases:
        fields["results"] = row(
            many=True, read_only=True, help_text=str(_("Deprecated alias of `changed`."))
        )
        fields["next_updated_since"] = serializers.DateTimeField(
            allow_null=True, help_text=str(_("Deprecated alias of `until`."))
        )
        fields["next_after_id"] = serializers.IntegerField(
            help_text=str(_("Deprecated alias of `until_id`."))
        )
    return inline_serializer(name, fields)
