"""Responses of the tasks API are what the published OpenAPI document says they are."""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import timezone

from tasks import services
from tasks.models import Directive, MeetingKind, Task
from tests.tasks.factories import DirectiveFactory
from tests.tasks.openapi import assert_matches_schema


def test_responses_match_the_schema(api_as: Any, tree: Any, supervisor: Any, task_a1: Task) -> None:
    client = api_as(supervisor)
    resolution = DirectiveFactory()
    directive: Directive = DirectiveFactory(issuing_unit=tree.province_a)
    directive.implements.add(resolution)
    meeting = services.meeting_create(
        actor=supervisor,
        kind=MeetingKind.BRIEFING,
        title="Giao ban",
        organising_unit=tree.province_a,
        participating_units=[tree.commune_a1],
        directives_cited=[directive],
        conclusions=["Một"],
    )
    since = (timezone.now() - datetime.timedelta(days=1)).isoformat()
    task_url = f"/api/v1/tasks/{task_a1.pk}/"
    checks = [
        ("get", "/api/v1/tasks/", "/api/v1/tasks/", None),
        ("get", task_url, "/api/v1/tasks/{id}/", None),
        (
            "post",
            f"{task_url}progress/",
            "/api/v1/tasks/{id}/progress/",
            {"text": "Đã làm", "percent": 100, "figures": {"workdays": 12}},
        ),
        ("get", f"{task_url}progress/", "/api/v1/tasks/{id}/progress/", None),
        ("post", f"{task_url}approve/", "/api/v1/tasks/{id}/approve/", None),
        ("get", f"{task_url}timeline/", "/api/v1/tasks/{id}/timeline/", None),
        ("get", f"/api/v1/tasks/sync/?updated_since={since}", "/api/v1/tasks/sync/", None),
        (
            "post",
            "/api/v1/tasks/",
            "/api/v1/tasks/",
            {
                "title": "Mới",
                "issuing_unit": tree.province_a.pk,
                "lead_unit": tree.province_a.pk,
                "period": "năm 2021",
            },
        ),
        ("get", "/api/v1/directives/", "/api/v1/directives/", None),
        ("get", f"/api/v1/directives/{directive.pk}/", "/api/v1/directives/{id}/", None),
        (
            "get",
            f"/api/v1/directives/{resolution.pk}/implemented-by/",
            "/api/v1/directives/{id}/implemented-by/",
            None,
        ),
        ("get", "/api/v1/meetings/", "/api/v1/meetings/", None),
        ("get", f"/api/v1/meetings/{meeting.pk}/", "/api/v1/meetings/{id}/", None),
        (
            "post",
            f"/api/v1/meetings/{meeting.pk}/conclusions-to-tasks/",
            "/api/v1/meetings/{id}/conclusions-to-tasks/",
            {"lead_unit": tree.province_a.pk, "period": "năm 2021"},
        ),
    ]
    for method, url, template, body in checks:
        response = getattr(client, method)(url, body, format="json")
        assert response.status_code in (200, 201), (url, response.content[:300])
        assert_matches_schema(response, method, template)
    created = Task.objects.get(title="Mới")
    cascade = client.post(f"/api/v1/tasks/{created.pk}/cascade/", {"level": "commune"})
    assert_matches_schema(cascade, "post", "/api/v1/tasks/{id}/cascade/")
