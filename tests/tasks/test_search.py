"""Search over tasks, directives and meetings ignores accents and case, in the API and admin."""

from __future__ import annotations

from typing import Any

from django.test import Client

from tasks import services
from tasks.models import Task
from tests.tasks.factories import DirectiveFactory, MeetingFactory, make_task

TASKS = "/api/v1/tasks/"


def found(response: Any) -> set[str]:
    assert response.status_code == 200, response.content
    return {row["title"] for row in response.json()["results"]}


def test_task_search_ignores_accents_and_case(api_as: Any, tree: Any, cadre_a: Any) -> None:
    make_task(
        issuing_unit=tree.province_a,
        lead_unit=tree.commune_a1,
        title="Vận động nhân dân hiến đất làm đường giao thông nông thôn",
    )
    make_task(issuing_unit=tree.province_a, lead_unit=tree.commune_a1, title="Tổng kết năm 2021")
    client = api_as(cadre_a)
    assert found(client.get(TASKS, {"search": "hien dat lam duong"})) == {
        "Vận động nhân dân hiến đất làm đường giao thông nông thôn"
    }
    assert found(client.get(TASKS, {"search": "TỔNG KẾT"})) == {"Tổng kết năm 2021"}
    assert found(client.get(TASKS, {"search": "hien dat tong ket"})) == set()  # every word


def test_search_stays_inside_the_users_scope(
    api_as: Any, tree: Any, cadre_a: Any, cadre_b: Any
) -> None:
    make_task(issuing_unit=tree.province_a, lead_unit=tree.commune_a1, title="Đối thoại với dân")
    assert found(api_as(cadre_b).get(TASKS, {"search": "doi thoai"})) == set()
    assert found(api_as(cadre_a).get(TASKS, {"search": "doi thoai"})) == {"Đối thoại với dân"}


def test_cascaded_sub_tasks_are_searchable(api_as: Any, tree: Any, supervisor: Any) -> None:
    parent = make_task(
        issuing_unit=tree.province_a,
        lead_unit=tree.province_a,
        title="Xây dựng khu dân cư kiểu mẫu",
    )
    children = services.task_cascade(actor=supervisor, task=parent)
    assert children  # bulk_create path
    assert set(Task.objects.filter(parent=parent).values_list("search_text", flat=True)) == {
        "xay dung khu dan cu kieu mau"
    }
    response = api_as(supervisor).get(TASKS, {"search": "khu dan cu kieu mau", "page_size": 100})
    assert len(response.json()["results"]) == len(children) + 1


def test_directive_and_meeting_search(api_as: Any, tree: Any, supervisor: Any) -> None:
    DirectiveFactory(
        doc_type="CTr",
        number="66",
        issuer="TU",
        full_number="66-CTr/TU",
        title="Chương trình hành động thực hiện Nghị quyết số 25-NQ/TW",
    )
    MeetingFactory(organising_unit=tree.province_a, title="Hội nghị sơ kết công tác dân vận")
    client = api_as(supervisor)
    directives = client.get("/api/v1/directives/", {"search": "chuong trinh hanh dong"})
    assert [d["full_number"] for d in directives.json()["results"]] == ["66-CTr/TU"]
    meetings = client.get("/api/v1/meetings/", {"search": "so ket dan van"})
    assert [m["title"] for m in meetings.json()["results"]] == ["Hội nghị sơ kết công tác dân vận"]


def test_admin_search_ignores_accents(client: Client, tree: Any, admin_user: Any) -> None:
    make_task(issuing_unit=tree.province_a, lead_unit=tree.commune_a1, title="Giảm nghèo bền vững")
    client.force_login(admin_user)
    response = client.get("/admin/tasks/task/", {"q": "giam ngheo ben vung"})
    assert response.status_code == 200
    assert "Giảm nghèo bền vững" in response.content.decode()
    response = client.get("/admin/tasks/task/", {"q": "xoa doi"})
    assert "Giảm nghèo bền vững" not in response.content.decode()
