"""The supervisor's queue: "awaiting my approval" (page and API) and approving several at once."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.contrib.messages import get_messages

from danvan.org.models import Role
from tasks import services
from tasks.models import ReportState, Task
from tests.factories import UserFactory
from tests.tasks.factories import make_task

TASKS = "/api/v1/tasks/"


def report_done(task: Task, actor: Any) -> Task:
    services.progress_report_submit(
        actor=actor,
        task=task,
        text="Đã hoàn thành",
        percent=100,
        reported_on=datetime.date(2018, 12, 20),
    )
    task.refresh_from_db()
    return task


@pytest.fixture
def queue(tree: Any, cadre_a: Any) -> dict[str, Task]:
    """Two province tasks reported done, one still running, one of the commune reported done."""
    province_1 = report_done(
        make_task(issuing_unit=tree.province_a, lead_unit=tree.commune_a1, title="Sơ kết 217"),
        cadre_a,
    )
    province_2 = report_done(
        make_task(issuing_unit=tree.province_a, lead_unit=tree.commune_a1, title="Đối thoại dân"),
        cadre_a,
    )
    running = make_task(
        issuing_unit=tree.province_a, lead_unit=tree.commune_a1, title="Vẫn đang làm"
    )
    commune = report_done(
        make_task(issuing_unit=tree.commune_a1, lead_unit=tree.village_a1, title="Việc của thôn"),
        cadre_a,
    )
    return {"p1": province_1, "p2": province_2, "running": running, "commune": commune}


@pytest.fixture
def two_posts(tree: Any) -> Any:
    """Supervisor of commune A1 and only a cadre at the province: approves the commune's tasks."""
    return UserFactory(
        username="two_posts",
        memberships=[(tree.commune_a1, Role.SUPERVISOR), (tree.province_a, Role.COMMUNE_CADRE)],
    )


def listed(client: Any, user: Any, query: str = "?awaiting_my_approval=1") -> set[int]:
    client.force_login(user)
    response = client.get("/tasks/" + query)
    assert response.status_code == 200
    return {task.pk for task in response.context["tasks"]}


def test_awaiting_my_approval_per_persona(
    client: Any,
    queue: dict[str, Task],
    supervisor: Any,
    cadre_a: Any,
    two_posts: Any,
    administrator: Any,
) -> None:
    # The province's supervisor approves what the province issued, and the commune's tasks
    # below it (the rule: task.manage at the issuing unit or above).
    assert listed(client, supervisor) == {queue["p1"].pk, queue["p2"].pk, queue["commune"].pk}
    # A commune cadre approves nothing, though the tasks are on their list.
    assert listed(client, cadre_a) == set()
    assert queue["p1"].pk in listed(client, cadre_a, "")
    # Two posts: the commune supervisor's role never acts at the province.
    assert listed(client, two_posts) == {queue["commune"].pk}
    assert listed(client, administrator) == {queue["p1"].pk, queue["p2"].pk, queue["commune"].pk}


def test_awaiting_my_approval_is_an_api_filter(
    api_as: Any, queue: dict[str, Task], supervisor: Any, two_posts: Any, cadre_a: Any
) -> None:
    def ids(user: Any, value: str) -> set[int]:
        response = api_as(user).get(TASKS, {"awaiting_my_approval": value})
        assert response.status_code == 200
        return {row["id"] for row in response.json()["results"]}

    assert ids(supervisor, "true") == {queue["p1"].pk, queue["p2"].pk, queue["commune"].pk}
    assert ids(two_posts, "true") == {queue["commune"].pk}
    assert ids(cadre_a, "true") == set()
    assert queue["running"].pk in ids(supervisor, "false")
    assert queue["p1"].pk not in ids(supervisor, "false")


def test_the_page_offers_checkboxes_only_where_the_person_may_approve(
    client: Any, queue: dict[str, Task], two_posts: Any
) -> None:
    client.force_login(two_posts)

    html = client.get("/tasks/").content.decode()

    assert f'name="task" value="{queue["commune"].pk}"' in html
    assert f'name="task" value="{queue["p1"].pk}"' not in html
    assert "Duyệt các báo cáo đã chọn" in html
    assert "Chờ tôi duyệt" in html


def test_bulk_approve_approves_the_permitted_and_names_the_rest(
    client: Any, tree: Any, queue: dict[str, Task], two_posts: Any
) -> None:
    outside = make_task(issuing_unit=tree.province_b, lead_unit=tree.commune_b1, title="Lai Châu")
    client.force_login(two_posts)
    chosen = [queue["commune"].pk, queue["p1"].pk, queue["running"].pk, outside.pk]

    response = client.post("/tasks/approve/?awaiting_my_approval=1", {"task": chosen})

    assert response.status_code == 302
    assert response["Location"] == "/tasks/?awaiting_my_approval=1"
    (message,) = [str(m) for m in get_messages(response.wsgi_request)]
    assert message.startswith("Đã duyệt 1, 3 không duyệt được: ")
    assert "Sơ kết 217: " in message  # the province's: not this person's to approve
    assert "Vẫn đang làm: " in message  # nothing reported done
    assert f"nhiệm vụ {outside.pk}: không tìm thấy" in message  # outside their units
    assert "Lai Châu" not in message  # no hint of what a task outside their units is
    for task in queue.values():
        task.refresh_from_db()
    assert queue["commune"].approved_by == two_posts
    assert queue["commune"].progress_reports.get().state == ReportState.APPROVED
    assert queue["p1"].awaiting_approval and queue["p1"].approved_at is None


def test_bulk_approve_two_at_once(client: Any, queue: dict[str, Task], supervisor: Any) -> None:
    client.force_login(supervisor)

    response = client.post("/tasks/approve/", {"task": [queue["p1"].pk, queue["p2"].pk]})

    assert [str(m) for m in get_messages(response.wsgi_request)] == ["Đã duyệt 2."]
    assert listed(client, supervisor) == {queue["commune"].pk}
    assert Task.objects.filter(approved_by=supervisor).count() == 2


@pytest.mark.parametrize("data", [{}, {"task": "abc"}, {"task": [str(n) for n in range(1, 150)]}])
def test_bulk_approve_refuses_bad_input_with_a_400(
    client: Any, queue: dict[str, Task], supervisor: Any, data: dict[str, Any]
) -> None:
    client.force_login(supervisor)

    response = client.post("/tasks/approve/", data)

    assert response.status_code == 400
    assert "Nhiệm vụ: hãy chọn từ 1 đến 100 báo cáo" in response.content.decode()
    assert not Task.objects.filter(approved_at__isnull=False).exists()


def test_bulk_approve_needs_sign_in_and_post(client: Any, queue: dict[str, Task]) -> None:
    assert client.post("/tasks/approve/", {"task": [queue["p1"].pk]}).status_code == 302
    queue["p1"].refresh_from_db()
    assert queue["p1"].approved_at is None


def test_the_export_link_keeps_the_filter(
    client: Any, api_as: Any, queue: dict[str, Task], two_posts: Any
) -> None:
    client.force_login(two_posts)
    html = client.get("/tasks/?awaiting_my_approval=1").content.decode()

    assert "tasks.csv?all_dates=1&amp;awaiting_my_approval=true" in html
    response = api_as(two_posts).get(
        "/api/v1/reports/exports/tasks.csv?all_dates=1&awaiting_my_approval=true"
    )
    body = b"".join(response.streaming_content).decode()
    assert "Việc của thôn" in body and "Sơ kết 217" not in body
