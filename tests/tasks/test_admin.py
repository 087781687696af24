"""The admin obeys the same scoping and goes through the services for workflow actions."""

from __future__ import annotations

import datetime
from typing import Any

from django.test import Client

from danvan.org.models import Role
from tasks import services
from tasks.models import Directive, MeetingKind, Task, TaskEvent
from tests.factories import UserFactory
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


DIRECTIVES = "/admin/tasks/directive/"


def test_a_supervisor_records_a_directive_in_the_admin_from_its_written_number(
    tree: Any, supervisor: Any
) -> None:
    resolution = services.directive_create(
        actor=supervisor, number_text="Nghị quyết số 25-NQ/TW", title="Về công tác dân vận"
    )
    client = logged_in(supervisor)
    assert client.get(f"{DIRECTIVES}add/").status_code == 200
    response = client.post(
        f"{DIRECTIVES}add/",
        {
            "number_text": "Chương trình hành động số 66-CTr/TU ngày 29/10/2013",
            "title": "Thực hiện Nghị quyết 25-NQ/TW",
            "issuing_unit": tree.province_a.pk,
            "implements": [resolution.pk],
            "_save": "Lưu",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    made = Directive.objects.get(full_number="66-CTr/TU")
    assert (made.doc_type, made.number, made.issuer, made.issued_on) == (
        "CTr",
        "66",
        "TU",
        datetime.date(2013, 10, 29),
    )
    assert list(made.implements.all()) == [resolution]
    assert made.created_by == supervisor
    assert list(made.events.values_list("action", "actor")) == [
        ("directive_created", supervisor.pk)
    ]


def test_admin_add_refuses_an_unreadable_number_or_a_unit_not_led_and_saves_nothing(
    tree: Any, supervisor: Any, cadre_a: Any
) -> None:
    client = logged_in(supervisor)
    garbage = client.post(
        f"{DIRECTIVES}add/", {"number_text": "không có số", "title": "Văn bản", "_save": "Lưu"}
    )
    assert garbage.status_code == 200
    assert "Không đọc được số hiệu văn bản" in garbage.content.decode()
    foreign = client.post(
        f"{DIRECTIVES}add/",
        {"number_text": "14-CT/TU", "title": "Chỉ thị", "issuing_unit": tree.province_b.pk},
    )
    assert foreign.status_code == 200
    assert not Directive.objects.exists()
    # A commune cadre reads documents but does not record them.
    assert logged_in(cadre_a).get(f"{DIRECTIVES}add/").status_code == 403


def test_only_the_issuing_units_leaders_change_a_directive_in_the_admin(
    tree: Any, supervisor: Any
) -> None:
    directive = services.directive_create(
        actor=supervisor,
        number_text="Chỉ thị 14-CT/TU",
        title="Dân vận chính quyền",
        issuing_unit=tree.province_a,
    )
    other = UserFactory(memberships=[(tree.province_b, Role.SUPERVISOR)])
    url = f"{DIRECTIVES}{directive.pk}/change/"
    page = logged_in(other).get(url)
    assert page.status_code == 200 and 'name="title"' not in page.content.decode()  # read only
    refused = logged_in(other).post(url, {"title": "Đã sửa", "status": "in_force"})
    assert refused.status_code == 403
    directive.refresh_from_db()
    assert directive.title == "Dân vận chính quyền"
    assert 'name="title"' in logged_in(supervisor).get(url).content.decode()


def _reported_done(task: Task, cadre: Any) -> Task:
    services.progress_report_submit(actor=cadre, task=task, text="Đã hoàn thành", percent=100)
    task.refresh_from_db()
    assert task.awaiting_approval
    return task


def test_a_supervisor_returns_a_completion_from_the_admin_with_a_reason(
    task_a1: Task, supervisor: Any, cadre_a: Any
) -> None:
    _reported_done(task_a1, cadre_a)
    client = logged_in(supervisor)
    chosen = {"action": "return_completion", "_selected_action": [task_a1.pk]}
    asked = client.post(TASKS, chosen)
    assert asked.status_code == 200
    assert 'name="reason"' in asked.content.decode() and task_a1.title in asked.content.decode()
    empty = client.post(TASKS, {**chosen, "apply": "1", "reason": "  "})
    assert "Hãy nêu lý do trả lại nhiệm vụ." in empty.content.decode()
    task_a1.refresh_from_db()
    assert task_a1.awaiting_approval  # nothing done without a reason
    done = client.post(TASKS, {**chosen, "apply": "1", "reason": "Thiếu biên bản"}, follow=True)
    assert done.status_code == 200
    task_a1.refresh_from_db()
    assert not task_a1.awaiting_approval and task_a1.completed_on is None
    returned = task_a1.progress_reports.get()
    assert (returned.state, returned.return_reason) == ("returned", "Thiếu biên bản")
    assert task_a1.events.filter(action="returned", actor=supervisor).exists()


def test_a_cadre_cannot_return_from_the_admin(task_a1: Task, cadre_a: Any) -> None:
    _reported_done(task_a1, cadre_a)
    logged_in(cadre_a).post(
        TASKS,
        {
            "action": "return_completion",
            "_selected_action": [task_a1.pk],
            "apply": "1",
            "reason": "Tự trả lại",
        },
        follow=True,
    )
    task_a1.refresh_from_db()
    assert task_a1.awaiting_approval
    assert not task_a1.events.filter(action="returned").exists()


def test_admin_add_of_a_recorded_directive_is_refused_beside_the_number(
    tree: Any, supervisor: Any
) -> None:
    services.directive_create(
        actor=supervisor, number_text="Nghị quyết số 25-NQ/TW", title="Về công tác dân vận"
    )
    response = logged_in(supervisor).post(
        f"{DIRECTIVES}add/", {"number_text": "25-NQ/TW", "title": "Lần nữa", "_save": "Lưu"}
    )
    assert response.status_code == 200
    assert "25-NQ/TW" in response.content.decode() and "đã được nhập" in response.content.decode()
    assert Directive.objects.count() == 1
