"""
The task list's rows are built without DRF's field-by-field walk (TaskSerializer's fast row):
they must be exactly what that walk gives, for rows of every shape, prefetched or not.
"""

import datetime
from typing import Any

import pytest
from django.utils import timezone
from rest_framework import serializers

from tasks import selectors
from tasks.models import Task, TaskAssignment
from tasks.serializers import TaskDetailSerializer, TaskSerializer
from tests.tasks.factories import DirectiveFactory, make_task

TASKS = "/api/v1/tasks/"


@pytest.fixture
def shapes(tree: Any, supervisor: Any) -> list[Task]:
    """Tasks with every field that may be empty, filled, or different."""
    u = tree
    directive = DirectiveFactory()
    parent = make_task(
        issuing_unit=u.province_a,
        lead_unit=u.province_a,
        title="Cha",
        due_on=datetime.date(2018, 12, 31),
        period_start=datetime.date(2018, 7, 1),
        period_label="6 tháng cuối năm 2018",
        directive=directive,
        client_id="phone-1",
        priority="urgent",
        recurrence="quarterly",
    )
    done = make_task(
        issuing_unit=u.province_a,
        lead_unit=u.commune_a1,
        coordinating=[u.commune_a2, u.board_a],
        parent=parent,
        title="Con, xong muộn",
        due_on=datetime.date(2018, 3, 1),
        completed_on=datetime.date(2018, 4, 1),
        progress_percent=100,
        last_reported_at=timezone.now(),
        approved_at=datetime.datetime(2018, 4, 2, 1, 2, 3, tzinfo=datetime.UTC),
        number=2,
    )
    TaskAssignment.objects.filter(task=done, unit=u.commune_a2).update(
        due_on=datetime.date(2018, 2, 1),
        report="Đã báo cáo",
        reported_at=datetime.datetime(2018, 2, 1, 17, 30, tzinfo=datetime.UTC),
    )
    cancelled = make_task(
        issuing_unit=u.province_a,
        lead_unit=u.commune_a2,
        parent=parent,
        title="Con, huỷ",
        cancelled=True,
        cancel_reason="Không còn cần",
        progress_percent=40,
    )
    in_progress = make_task(
        issuing_unit=u.central,
        lead_unit=u.province_a,
        title="Đang làm",
        progress_percent=30,
        awaiting_approval=True,
        due_on=datetime.date(2999, 1, 1),
    )
    overdue = make_task(
        issuing_unit=u.province_a, lead_unit=u.village_a1, due_on=datetime.date(2000, 1, 1)
    )
    return [parent, done, cancelled, in_progress, overdue]


def _by_drf(rows: list[Task]) -> list[dict[str, Any]]:
    """DRF's own walk over the serializer's fields (what the fast row replaces)."""
    serializer = TaskSerializer()
    return [dict(serializers.ModelSerializer.to_representation(serializer, row)) for row in rows]


def test_rows_are_what_drf_would_give(shapes: list[Task], supervisor: Any, api_as: Any) -> None:
    today = timezone.localdate()
    prefetched = list(selectors.task_list_for(supervisor, today=today).order_by("-id"))
    expected = _by_drf(prefetched)
    assert len(expected) == len(shapes)
    assert {row["status"] for row in expected} >= {
        "done_late",
        "cancelled",
        "in_progress",
        "overdue",
    }
    assert any(row["rollup_percent"] is not None for row in expected)
    # Prefetched rows (the pages, the cascade's answer) and the API's rows (assignments read
    # by the list serializer in one query), serialised, then as JSON through the API.
    assert [dict(r) for r in TaskSerializer(prefetched, many=True).data] == expected
    rows = list(selectors.task_rows_for(supervisor, today=today).order_by("-id"))
    assert [dict(r) for r in TaskSerializer(rows, many=True).data] == expected
    assert TaskSerializer(rows[1]).data == expected[1]  # one row, not through a list
    body = api_as(supervisor).get(TASKS, {"page_size": 100}).json()["results"]
    assert body == expected
    assert list(body[0]) == TaskSerializer.Meta.fields


def test_the_detail_keeps_drfs_walk(shapes: list[Task], supervisor: Any, api_as: Any) -> None:
    task = shapes[1]
    body = api_as(supervisor).get(f"{TASKS}{task.pk}/").json()
    assert list(body) == TaskDetailSerializer.Meta.fields
    row = selectors.task_list_for(supervisor, today=timezone.localdate()).get(pk=task.pk)
    assert {k: v for k, v in body.items() if k != "available_actions"} == _by_drf([row])[0]


def test_labels_follow_the_language(shapes: list[Task], supervisor: Any) -> None:
    from django.utils import translation

    rows = list(selectors.task_rows_for(supervisor, today=timezone.localdate()).order_by("-id"))
    for language in ("vi", "en"):
        with translation.override(language):
            assert [dict(r) for r in TaskSerializer(rows, many=True).data] == _by_drf(rows)
