"""The admin obeys the same scoping and goes through the services for workflow actions."""

from __future__ import annotations

from typing import Any

from django.test import Client

from tasks import services
from tasks.models import MeetingKind, Task, TaskEvent
from tests.tasks.factories import make_task

TASKS = "/admin/tasks/task/"


def logged_in(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_changelist_is_scoped(tree: Any, supervisor: Any, cadre_b: Any) -> None:
    mine = make_task(issuing_unit=tree.province_a, lead_unit=tree.commune_a1, title="Của Lâm Đồng")
    make_task(issuing_unit=tree.province_b, lead_unit=tree.commune_b1, title="Của Lai Châu")
    page = logged_in(supervisor).get(TASKS)
    assert page.status_code == 200
    assert "Của Lâm Đồng" in page.content.decode() and "Của Lai Châu" not in page.content.decode()
    assert logged_in(supervisor).get(f"{TASKS}{mine.pk}/change/").status_code == 200
    other = Task.objects.get(title="Của Lai Châu")
    assert logged_in(supervisor).get(f"{TASKS}{other.pk}/change/").status_code == 302
    overdue = logged_in(supervisor).get(TASKS, {"status": "overdue"})
    assert overdue.status_code == 200


def test_cascade_and_conclusion_actions(tree: Any, supervisor: Any) -> None:
    task = make_task(issuing_unit=tree.province_a, lead_unit=tree.province_a)
    client = logged_in(supervisor)
    response = client.post(
        TASKS, {"action": "cascade_to_communes", "_selected_action": [task.pk]}, follow=True
    )
    assert response.status_code == 200
    assert task.children.count() == 2
    meeting = services.meeting_create(
        actor=supervisor,
        kind=MeetingKind.BRIEFING,
        title="Giao ban",
        organising_unit=tree.board_a,
        conclusions=["Một", "Hai", "Ba"],
    )
    client.post(
        "/admin/tasks/meeting/",
        {"action": "conclusions_to_tasks", "_selected_action": [meeting.pk]},
        follow=True,
    )
    assert list(
        Task.objects.filter(conclusion__meeting=meeting)
        .order_by("number")
        .values_list("number", flat=True)
    ) == [1, 2, 3]


def test_a_cadre_cannot_cascade_from_the_admin(tree: Any, cadre_a: Any) -> None:
    task = make_task(issuing_unit=tree.province_a, lead_unit=tree.commune_a1)
    response = logged_in(cadre_a).post(
        TASKS, {"action": "cascade_to_communes", "_selected_action": [task.pk]}, follow=True
    )
    assert response.status_code in (200, 403)
    assert task.children.count() == 0
    assert not TaskEvent.objects.filter(action="cascaded").exists()


def test_implements_links_are_browsable_both_ways_in_the_admin(
    tree: Any, supervisor: Any, cadre_a: Any
) -> None:
    resolution = services.directive_create(
        actor=supervisor, number_text="Nghị quyết số 25-NQ/TW", title="Về công tác dân vận"
    )
    programme = services.directive_create(
        actor=supervisor,
        number_text="Chương trình hành động số 66-CTr/TU ngày 29/10/2013",
        title="Thực hiện Nghị quyết 25-NQ/TW",
        issuing_unit=tree.province_a,
        implements=[resolution],
    )
    # Down: the higher document's page lists and links the lower one, for any reader.
    higher = logged_in(cadre_a).get(f"/admin/tasks/directive/{resolution.pk}/change/")
    assert higher.status_code == 200
    assert f'href="/admin/tasks/directive/{programme.pk}/change/">66-CTr/TU</a>' in (
        higher.content.decode()
    )
    # Up: the lower document's page has the higher one selected in "implements".
    lower = logged_in(supervisor).get(f"/admin/tasks/directive/{programme.pk}/change/")
    assert lower.status_code == 200
    page = lower.content.decode()
    assert f'<option value="{resolution.pk}" selected>' in page
