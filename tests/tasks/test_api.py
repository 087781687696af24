"""The REST API: personas on every endpoint, idempotent create, If-Match, sync, query counts."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from danvan.org.models import Role
from tasks import services
from tasks.models import Directive, Meeting, MeetingKind, ProgressReport, Task, TaskStatus
from tests.factories import UserFactory
from tests.tasks.factories import DirectiveFactory, make_task

D = datetime.date
TASKS = "/api/v1/tasks/"
DIRECTIVES = "/api/v1/directives/"
MEETINGS = "/api/v1/meetings/"


def detail(task: Task, suffix: str = "") -> str:
    return f"{TASKS}{task.pk}/{suffix}"


def ids(response: Any) -> set[int]:
    return {row["id"] for row in response.json()["results"]}


# --- Tasks: reading ------------------------------------------------------------------------------
def test_anonymous_gets_401_everywhere(api: Any, task_a1: Task) -> None:
    for url in (TASKS, detail(task_a1), detail(task_a1, "timeline/"), DIRECTIVES, MEETINGS):
        assert api.get(url).status_code == 401
    for url in (TASKS, detail(task_a1, "progress/"), detail(task_a1, "approve/"), DIRECTIVES):
        assert api.post(url, {}, format="json").status_code == 401


def test_list_is_scoped(
    api_as: Any,
    task_a1: Task,
    cadre_a: Any,
    cadre_b: Any,
    supervisor: Any,
    administrator: Any,
    tree: Any,
) -> None:
    other = make_task(issuing_unit=tree.province_b, lead_unit=tree.commune_b1)
    assert ids(api_as(cadre_a).get(TASKS)) == {task_a1.pk}
    assert ids(api_as(cadre_b).get(TASKS)) == set()
    assert ids(api_as(supervisor).get(TASKS)) == {task_a1.pk}
    assert ids(api_as(administrator).get(TASKS)) == {task_a1.pk, other.pk}


def test_coordinating_unit_sees_the_task(api_as: Any, tree: Any, cadre_b: Any) -> None:
    task = make_task(
        issuing_unit=tree.province_a, lead_unit=tree.commune_a1, coordinating=[tree.commune_a2]
    )
    assert ids(api_as(cadre_b).get(TASKS)) == {task.pk}


def test_detail_out_of_scope_is_404(api_as: Any, task_a1: Task, cadre_a: Any, cadre_b: Any) -> None:
    response = api_as(cadre_a).get(detail(task_a1))
    assert response.status_code == 200
    body = response.json()
    assert body["lead_unit"]["code"] == "25000"
    assert body["status"] in TaskStatus.values
    assert response["ETag"] == f'"{task_a1.pk}-1"'
    assert api_as(cadre_b).get(detail(task_a1)).status_code == 404
    assert api_as(cadre_a).get(f"{TASKS}abc/").status_code == 404
    assert api_as(cadre_a).get(f"{TASKS}999999/").status_code == 404


def test_filter_by_derived_status_and_unit(api_as: Any, tree: Any, supervisor: Any) -> None:
    overdue = make_task(
        issuing_unit=tree.province_a, lead_unit=tree.commune_a1, due_on=D(2000, 1, 1)
    )
    open_ = make_task(issuing_unit=tree.province_a, lead_unit=tree.commune_a2, due_on=D(2999, 1, 1))
    client = api_as(supervisor)
    assert ids(client.get(TASKS, {"status": "overdue"})) == {overdue.pk}
    assert ids(client.get(TASKS, {"status": "not_started"})) == {open_.pk}
    assert ids(client.get(TASKS, {"unit": tree.commune_a2.pk})) == {open_.pk}
    assert ids(client.get(TASKS, {"due_in": "năm 2000"})) == {overdue.pk}
    bad = client.get(TASKS, {"status": "gone"})
    assert bad.status_code == 400
    assert "status" in bad.json()["fields"]
    bad_period = client.get(TASKS, {"due_in": "sớm"})
    assert bad_period.status_code == 400
    assert "due_in" in bad_period.json()["fields"]
    assert client.get(TASKS, {"unit": tree.commune_b1.pk}).status_code == 404


@pytest.mark.parametrize("rows", [1, 50, 100])
def test_list_query_count_is_constant(
    rows: int, api_as: Any, tree: Any, supervisor: Any, count_queries: Any
) -> None:
    parent = make_task(issuing_unit=tree.province_a, lead_unit=tree.province_a)
    for i in range(rows - 1):
        make_task(
            issuing_unit=tree.province_a,
            lead_unit=tree.commune_a1,
            coordinating=[tree.commune_a2],
            parent=parent,
            title=f"Nhiệm vụ {i}",
        )
    client = api_as(supervisor)
    with count_queries() as queries:
        response = client.get(TASKS, {"page_size": 100})
    assert response.status_code == 200
    assert len(response.json()["results"]) == rows
    # user (token), memberships (scope), the scope's unit ids, the page, its assignments
    assert len(queries) == 5, queries


# --- Tasks: writing ------------------------------------------------------------------------------
def test_create_is_for_the_issuers_leaders(
    api_as: Any, tree: Any, cadre_a: Any, supervisor: Any
) -> None:
    body = {
        "title": "Tổng kết Năm dân vận chính quyền 2018",
        "issuing_unit": tree.province_a.pk,
        "lead_unit": tree.commune_a1.pk,
        "coordinating_units": [tree.commune_a2.pk],
        "period": "6 tháng cuối năm 2018",
        "priority": "high",
        "coordinating_due_dates": [{"unit": tree.commune_a2.pk, "due_on": "2018-11-30"}],
    }
    own = {
        **body,
        "issuing_unit": tree.commune_a1.pk,
        "coordinating_units": [],
        "coordinating_due_dates": [],
    }
    assert api_as(cadre_a).post(TASKS, own, format="json").status_code == 403
    response = api_as(supervisor).post(TASKS, body, format="json")
    assert response.status_code == 201, response.json()
    created = response.json()
    assert (created["period_start"], created["due_on"]) == ("2018-07-01", "2018-12-31")
    assert {(a["unit"]["code"], a["role"], a["due_on"]) for a in created["assignments"]} == {
        ("25000", "lead", None),
        ("23089", "coordinate", "2018-11-30"),
    }
    stray = {
        **body,
        "coordinating_due_dates": [{"unit": tree.commune_a1.pk, "due_on": "2018-11-30"}],
    }
    refused = api_as(supervisor).post(TASKS, stray, format="json")
    assert refused.status_code == 400
    assert "coordinating_due_dates" in refused.json()["fields"]
    events = api_as(supervisor).get(f"{TASKS}{created['id']}/timeline/").json()["results"]
    assert [e["action"] for e in events] == ["created"]


def test_create_errors_are_vietnamese_and_name_the_field(
    api_as: Any, tree: Any, supervisor: Any
) -> None:
    client = api_as(supervisor)
    base = {"title": "X", "issuing_unit": tree.province_a.pk, "lead_unit": tree.commune_a1.pk}
    for changes, field in [
        ({"period": "khi nào xong"}, "period"),
        ({"lead_unit": tree.commune_b1.pk}, "lead_unit"),
        ({"lead_unit": "abc"}, "lead_unit"),
        ({"priority": "rất cao"}, "priority"),
        ({"due_on": "31/02/2018"}, "due_on"),
        ({"title": ""}, "title"),
    ]:
        response = client.post(TASKS, {**base, **changes}, format="json")
        assert response.status_code == 400, (changes, response.json())
        assert field in response.json()["fields"], response.json()
    assert not Task.objects.exists()


def test_create_is_idempotent(api_as: Any, tree: Any, supervisor: Any) -> None:
    client = api_as(supervisor)
    body = {
        "title": "Một lần thôi",
        "issuing_unit": tree.province_a.pk,
        "lead_unit": tree.commune_a1.pk,
    }
    first = client.post(TASKS, body, format="json", HTTP_IDEMPOTENCY_KEY="phone-1")
    again = client.post(TASKS, body, format="json", HTTP_IDEMPOTENCY_KEY="phone-1")
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["id"] == again.json()["id"]
    by_body = client.post(TASKS, {**body, "client_id": "phone-2"}, format="json")
    by_body_again = client.post(TASKS, {**body, "client_id": "phone-2"}, format="json")
    assert by_body.json()["id"] == by_body_again.json()["id"]
    assert Task.objects.count() == 2


def test_stale_write_gets_412(api_as: Any, task_a1: Task, supervisor: Any) -> None:
    client = api_as(supervisor)
    etag = client.get(detail(task_a1))["ETag"]
    ok = client.patch(detail(task_a1), {"title": "Tên mới"}, format="json", HTTP_IF_MATCH=etag)
    assert ok.status_code == 200
    assert ok["ETag"] != etag
    stale = client.patch(detail(task_a1), {"title": "Tên khác"}, format="json", HTTP_IF_MATCH=etag)
    assert stale.status_code == 412
    assert stale.json()["code"] == "precondition_failed"
    task_a1.refresh_from_db()
    assert task_a1.title == "Tên mới"
    garbage = client.patch(detail(task_a1), {"title": "Y"}, format="json", HTTP_IF_MATCH="xyz")
    assert garbage.status_code == 412


def test_patch_personas(api_as: Any, task_a1: Task, cadre_a: Any, cadre_b: Any) -> None:
    assert api_as(cadre_a).patch(detail(task_a1), {"title": "Z"}, format="json").status_code == 403
    assert api_as(cadre_b).patch(detail(task_a1), {"title": "Z"}, format="json").status_code == 404


def test_progress_approve_and_return_by_persona(
    api_as: Any, task_a1: Task, cadre_a: Any, cadre_b: Any, supervisor: Any
) -> None:
    report = {"text": "Đã tổ chức hội nghị", "percent": 100, "figures": {"meetings_held": 3}}
    assert (
        api_as(cadre_b).post(detail(task_a1, "progress/"), report, format="json").status_code == 404
    )
    posted = api_as(cadre_a).post(detail(task_a1, "progress/"), report, format="json")
    assert posted.status_code == 201, posted.json()
    assert posted.json()["figures"] == {"meetings_held": 3}
    assert api_as(cadre_a).post(detail(task_a1, "approve/")).status_code == 403
    assert api_as(cadre_b).post(detail(task_a1, "approve/")).status_code == 404
    no_reason = api_as(supervisor).post(detail(task_a1, "return/"), {}, format="json")
    assert no_reason.status_code == 400
    assert "reason" in no_reason.json()["fields"]
    returned = api_as(supervisor).post(
        detail(task_a1, "return/"), {"reason": "Thiếu minh chứng"}, format="json"
    )
    assert returned.status_code == 200
    assert returned.json()["awaiting_approval"] is False
    api_as(cadre_a).post(
        detail(task_a1, "progress/"), {**report, "reported_on": "2018-12-30"}, format="json"
    )
    approved = api_as(supervisor).post(detail(task_a1, "approve/"))
    assert approved.status_code == 200
    assert approved.json()["status"] == TaskStatus.DONE_ON_TIME
    again = api_as(supervisor).post(detail(task_a1, "approve/"))
    assert again.status_code == 409
    listed = api_as(cadre_a).get(detail(task_a1, "progress/")).json()
    assert [r["state"] for r in listed] == ["approved", "returned"]
    timeline = [
        e["action"] for e in api_as(cadre_a).get(detail(task_a1, "timeline/")).json()["results"]
    ]
    assert timeline == ["progress_reported", "returned", "progress_reported", "approved"]


def test_progress_with_evidence_files_and_bad_input(
    api_as: Any, task_a1: Task, cadre_a: Any
) -> None:
    client = api_as(cadre_a)
    photo = SimpleUploadedFile("bien-ban.pdf", b"%PDF-1.4 test", content_type="application/pdf")
    response = client.post(
        detail(task_a1, "progress/"),
        {
            "text": "Hiến đất làm đường",
            "percent": 40,
            "figures": '{"land_donated_m2": 16505}',
            "evidence": [photo],
        },
        format="multipart",
    )
    assert response.status_code == 201, response.json()
    assert response.json()["evidence"][0]["name"] == "bien-ban.pdf"
    for bad, field in [
        ({"text": "x", "percent": 101}, "percent"),
        ({"text": "x", "percent": "nửa"}, "percent"),
        ({"text": "", "percent": 10}, "text"),
        ({"text": "x", "percent": 10, "figures": {"ruộng": 1}}, "figures"),
        ({"text": "x", "percent": 10, "reported_on": "2999-01-01"}, "reported_on"),
    ]:
        rejected = client.post(detail(task_a1, "progress/"), bad, format="json")
        assert rejected.status_code == 400, bad
        assert field in rejected.json()["fields"]
    assert ProgressReport.objects.count() == 1


def test_progress_evidence_must_be_a_pdf_or_an_image(
    api_as: Any, task_a1: Task, cadre_a: Any
) -> None:
    fake = SimpleUploadedFile("bien-ban.pdf", b"MZ\x90\x00 a program")

    response = api_as(cadre_a).post(
        detail(task_a1, "progress/"),
        {"text": "Hiến đất làm đường", "percent": 40, "evidence": [fake]},
        format="multipart",
    )

    assert response.status_code == 400
    assert "PDF, JPEG" in response.json()["fields"]["evidence"][0]
    assert not ProgressReport.objects.exists()
    task_a1.refresh_from_db()
    assert task_a1.progress_percent == 0


def test_cascade_endpoint(api_as: Any, tree: Any, supervisor: Any, cadre_a: Any) -> None:
    task = make_task(issuing_unit=tree.central, lead_unit=tree.province_a)
    assert api_as(cadre_a).post(detail(task, "cascade/"), {}, format="json").status_code == 404
    response = api_as(supervisor).post(
        detail(task, "cascade/"), {"level": "commune"}, format="json"
    )
    assert response.status_code == 201
    assert response.json()["created"] == 2
    assert ids(api_as(cadre_a).get(TASKS, {"parent": task.pk})) == {
        t.pk for t in task.children.filter(lead_unit=tree.commune_a1)
    }
    bad = api_as(supervisor).post(detail(task, "cascade/"), {"level": "huyện"}, format="json")
    assert bad.status_code == 400


def test_delete_is_soft_and_sync_reports_it(
    api_as: Any, tree: Any, supervisor: Any, cadre_a: Any
) -> None:
    since = timezone.now() - datetime.timedelta(seconds=1)
    kept = make_task(issuing_unit=tree.province_a, lead_unit=tree.commune_a1, title="Giữ")
    gone = make_task(issuing_unit=tree.province_a, lead_unit=tree.commune_a1, title="Bỏ")
    assert api_as(cadre_a).delete(detail(gone)).status_code == 403
    assert api_as(supervisor).delete(detail(gone)).status_code == 204
    assert api_as(supervisor).get(detail(gone)).status_code == 404
    synced = api_as(cadre_a).get(f"{TASKS}sync/", {"updated_since": since.isoformat()}).json()
    assert [t["id"] for t in synced["changed"]] == [kept.pk]
    assert synced["deleted"] == [gone.pk]
    later = api_as(cadre_a).get(f"{TASKS}sync/", {"updated_since": synced["until"]}).json()
    assert later["changed"] == [] and later["deleted"] == []
    bad = api_as(cadre_a).get(f"{TASKS}sync/", {"updated_since": "hôm qua"})
    assert bad.status_code == 400
    assert "updated_since" in bad.json()["fields"]


def test_sync_is_stable_and_paged(api_as: Any, tree: Any, cadre_a: Any) -> None:
    since = timezone.now() - datetime.timedelta(seconds=1)
    made = [make_task(issuing_unit=tree.province_a, lead_unit=tree.commune_a1) for _ in range(5)]
    first = api_as(cadre_a).get(f"{TASKS}sync/", {"updated_since": since.isoformat(), "limit": 3})
    body = first.json()
    assert body["has_more"] is True
    seen = [t["id"] for t in body["changed"]]
    rest = api_as(cadre_a).get(f"{TASKS}sync/", {"updated_since": body["until"], "limit": 3}).json()
    seen += [t["id"] for t in rest["changed"]]
    assert sorted(seen) == sorted(t.pk for t in made)


def test_sync_loses_nothing_when_more_rows_than_a_page_share_one_timestamp(
    api_as: Any, tree: Any, cadre_a: Any
) -> None:
    """A cascade writes its sub-tasks with one timestamp; a page boundary may fall among them."""
    since = timezone.now() - datetime.timedelta(seconds=5)
    made = [make_task(issuing_unit=tree.province_a, lead_unit=tree.commune_a1) for _ in range(7)]
    same = timezone.now() - datetime.timedelta(seconds=1)
    Task.objects.filter(pk__in=[t.pk for t in made]).update(updated_at=same)
    Task.objects.filter(pk=made[3].pk).update(deleted_at=same)
    client = api_as(cadre_a)
    params: dict[str, Any] = {"updated_since": since.isoformat(), "limit": 2}
    changed: list[int] = []
    deleted: list[int] = []
    for _ in range(10):
        body = client.get(f"{TASKS}sync/", params).json()
        changed += [t["id"] for t in body["changed"]]
        deleted += body["deleted"]
        if not body["has_more"]:
            break
        params = {"updated_since": body["until"], "after_id": body["until_id"], "limit": 2}
    assert changed == [t.pk for t in made if t is not made[3]]  # each once, in order
    assert deleted == [made[3].pk]
    again = client.get(
        f"{TASKS}sync/", {"updated_since": body["until"], "after_id": body["until_id"]}
    ).json()
    assert again["changed"] == [] and again["deleted"] == [] and again["has_more"] is False
    bad = client.get(f"{TASKS}sync/", {"updated_since": since.isoformat(), "after_id": "x"})
    assert bad.status_code == 400 and list(bad.json()["fields"]) == ["after_id"]


def test_sync_shows_the_parent_whose_version_a_cascade_changed(
    api_as: Any, tree: Any, supervisor: Any
) -> None:
    """The cascade bumps the parent's version (its ETag); a syncing phone must get it too."""
    task = make_task(issuing_unit=tree.central, lead_unit=tree.province_a)
    Task.objects.filter(pk=task.pk).update(updated_at=timezone.now() - datetime.timedelta(hours=1))
    since = timezone.now() - datetime.timedelta(minutes=1)
    client = api_as(supervisor)
    assert client.post(detail(task, "cascade/"), {}, format="json").status_code == 201
    body = client.get(f"{TASKS}sync/", {"updated_since": since.isoformat()}).json()
    parent = [row for row in body["changed"] if row["id"] == task.pk]
    assert parent and parent[0]["version"] == Task.objects.get(pk=task.pk).version == 2
    assert len(body["changed"]) == 1 + task.children.count()


def test_next_occurrence_endpoint(api_as: Any, tree: Any, supervisor: Any, cadre_a: Any) -> None:
    task = make_task(
        issuing_unit=tree.province_a,
        lead_unit=tree.commune_a1,
        due_on=D(2018, 10, 15),
        recurrence="yearly",
    )
    assert api_as(cadre_a).post(detail(task, "next-occurrence/")).status_code == 403
    made = api_as(supervisor).post(detail(task, "next-occurrence/"))
    assert made.status_code == 201
    assert made.json()["due_on"] == "2019-10-15"


# --- Directives --------------------------------------------------------------------------------
def test_directives_create_parse_and_link(
    api_as: Any, tree: Any, supervisor: Any, cadre_a: Any
) -> None:
    resolution = DirectiveFactory(number="25", doc_type="NQ", issuer="TW", full_number="25-NQ/TW")
    body = {
        "number": "Chương trình hành động số 66-CTr/TU ngày 29/10/2013",
        "title": "Thực hiện Nghị quyết 25-NQ/TW về công tác dân vận",
        "issuing_unit": tree.province_a.pk,
        "implements": [resolution.pk],
    }
    own = {**body, "issuing_unit": tree.commune_a1.pk}
    assert api_as(cadre_a).post(DIRECTIVES, own, format="json").status_code == 403
    # A cadre records directives nowhere: refused before the body's unit is looked at.
    assert api_as(cadre_a).post(DIRECTIVES, body, format="json").status_code == 403
    response = api_as(supervisor).post(DIRECTIVES, body, format="json")
    assert response.status_code == 201, response.json()
    created = response.json()
    assert (created["number"], created["doc_type"], created["issuer"], created["issued_on"]) == (
        "66",
        "CTr",
        "TU",
        "2013-10-29",
    )
    assert created["full_number"] == "66-CTr/TU"
    assert [d["full_number"] for d in created["implements"]] == ["25-NQ/TW"]
    # Both ways, for anyone signed in.
    lower = api_as(cadre_a).get(f"{DIRECTIVES}{resolution.pk}/implemented-by/").json()
    assert [d["full_number"] for d in lower] == ["66-CTr/TU"]
    higher = api_as(cadre_a).get(f"{DIRECTIVES}{created['id']}/implements/").json()
    assert [d["id"] for d in higher] == [resolution.pk]
    found = api_as(cadre_a).get(DIRECTIVES, {"number": "66-CTr/TU"}).json()["results"]
    assert [d["id"] for d in found] == [created["id"]]


def test_directive_number_filter_tells_plenums_and_congresses_apart(
    api_as: Any, supervisor: Any, cadre_a: Any
) -> None:
    client = api_as(supervisor)
    made = {}
    for written in (
        "Nghị quyết Trung ương 4 (khóa XI)",
        "Nghị quyết Trung ương 4 (khóa XII)",
        "Nghị quyết Đại hội XII của Đảng",
        "Nghị quyết Đại hội Đảng toàn quốc lần thứ XIII",
    ):
        response = client.post(DIRECTIVES, {"number": written, "title": written}, format="json")
        assert response.status_code == 201, response.json()
        made[written] = response.json()
    assert made["Nghị quyết Đại hội Đảng toàn quốc lần thứ XIII"]["full_number"] == (
        "Nghị quyết Đại hội XIII"
    )

    def found(number: str) -> list[int]:
        return [
            d["id"] for d in api_as(cadre_a).get(DIRECTIVES, {"number": number}).json()["results"]
        ]

    assert found("Nghị quyết Trung ương 4 khóa XII") == [
        made["Nghị quyết Trung ương 4 (khóa XII)"]["id"]
    ]
    assert found("Nghị quyết Đại hội XIII") == [
        made["Nghị quyết Đại hội Đảng toàn quốc lần thứ XIII"]["id"]
    ]
    assert len(found("Nghị quyết Trung ương 4")) == 2  # no term given: both plenums


def test_directive_garbage_number_is_400_naming_the_field(
    api_as: Any, supervisor: Any, tree: Any
) -> None:
    response = api_as(supervisor).post(
        DIRECTIVES, {"number": "không có số", "title": "Văn bản"}, format="json"
    )
    assert response.status_code == 400
    body = response.json()
    assert "number" in body["fields"]
    assert "25-NQ/TW" in body["message"]
    assert not Directive.objects.exists()


def test_directive_list_query_count_is_constant(
    api_as: Any, cadre_a: Any, count_queries: Any
) -> None:
    root = DirectiveFactory()
    for _ in range(30):
        child = DirectiveFactory()
        child.implements.add(root)
    client = api_as(cadre_a)
    with count_queries() as queries:
        response = client.get(DIRECTIVES, {"page_size": 100})
    assert len(response.json()["results"]) == 31
    # user, the page, implements, implemented_by, files
    assert len(queries) == 5, queries


# --- Meetings -----------------------------------------------------------------------------
def test_meeting_create_conclusions_to_tasks_and_scope(
    api_as: Any, tree: Any, supervisor: Any, cadre_a: Any, cadre_b: Any, count_queries: Any
) -> None:
    body = {
        "kind": MeetingKind.MID_TERM_REVIEW,
        "title": "Hội nghị sơ kết giữa nhiệm kỳ 2015 – 2020",
        "organising_unit": tree.board_a.pk,
        "starts_on": "2018-06-27",
        "place": "Huyện Di Linh (cũ)",
        "chair_name": "Nguyễn Thị Lệ",
        "participating_units": [tree.commune_a1.pk],
        "conclusions": ["Tiếp tục triển khai 66-CTr/TU", "Tăng cường dân vận chính quyền"],
    }
    own = {**body, "organising_unit": tree.commune_a1.pk}
    assert api_as(cadre_a).post(MEETINGS, own, format="json").status_code == 403
    created = api_as(supervisor).post(MEETINGS, body, format="json", HTTP_IDEMPOTENCY_KEY="m1")
    assert created.status_code == 201, created.json()
    meeting_id = created.json()["id"]
    replay = api_as(supervisor).post(MEETINGS, body, format="json", HTTP_IDEMPOTENCY_KEY="m1")
    assert replay.status_code == 200 and Meeting.objects.count() == 1
    # The participating commune sees it; its sibling does not.
    assert ids(api_as(cadre_a).get(MEETINGS)) == {meeting_id}
    assert ids(api_as(cadre_b).get(MEETINGS)) == set()
    assert api_as(cadre_b).get(f"{MEETINGS}{meeting_id}/").status_code == 404

    url = f"{MEETINGS}{meeting_id}/conclusions-to-tasks/"
    order = {"lead_unit": tree.board_a.pk, "period": "6 tháng cuối năm 2018"}
    cadre_order = {**order, "lead_unit": tree.commune_a1.pk}
    assert api_as(cadre_a).post(url, cadre_order, format="json").status_code == 403
    made = api_as(supervisor).post(url, order, format="json")
    assert made.status_code == 201, made.json()
    assert [(t["number"], t["due_on"]) for t in made.json()] == [
        (1, "2018-12-31"),
        (2, "2018-12-31"),
    ]
    again = api_as(supervisor).post(url, order, format="json")
    assert again.json() == []
    shown = api_as(supervisor).get(f"{MEETINGS}{meeting_id}/").json()
    assert [len(c["tasks"]) for c in shown["conclusions"]] == [1, 1]
    bad = api_as(supervisor).post(
        url, {"lead_unit": tree.board_a.pk, "period": "mai"}, format="json"
    )
    assert bad.status_code == 400 and "period" in bad.json()["fields"]


def test_meeting_minutes_are_written_after_the_meeting_with_if_match(
    api_as: Any, tree: Any, supervisor: Any, cadre_a: Any, cadre_b: Any, api: Any
) -> None:
    meeting = services.meeting_create(
        actor=supervisor,
        kind=MeetingKind.BRIEFING,
        title="Giao ban dân vận quý IV",
        organising_unit=tree.province_a,
        starts_on=D(2026, 11, 20),
        participating_units=[tree.commune_a1],
        conclusions=["Tăng cường đối thoại"],
    )
    url = f"{MEETINGS}{meeting.pk}/"
    client = api_as(supervisor)
    etag = client.get(url)["ETag"]

    written = client.patch(
        url,
        {
            "minutes": "Biên bản: 12 đại biểu dự",
            "participating_units": [tree.commune_a1.pk, tree.commune_a2.pk],
        },
        format="json",
        HTTP_IF_MATCH=etag,
    )
    assert written.status_code == 200, written.json()
    assert written["ETag"] != etag
    assert written.json()["minutes"] == "Biên bản: 12 đại biểu dự"
    assert [c["text"] for c in written.json()["conclusions"]] == ["Tăng cường đối thoại"]
    # The commune now taking part sees it.
    assert ids(api_as(cadre_b).get(MEETINGS)) == {meeting.pk}

    # A second writer holding the old ETag is refused and overwrites nothing.
    stale = client.patch(url, {"minutes": "Bản cũ"}, format="json", HTTP_IF_MATCH=etag)
    assert stale.status_code == 412
    meeting.refresh_from_db()
    assert meeting.minutes == "Biên bản: 12 đại biểu dự"
    timeline = client.get(f"{url}timeline/").json()["results"]
    assert timeline[-1]["action"] == "meeting_updated"

    # Bad dates name the field; nothing changes.
    bad = client.patch(url, {"ends_on": "2026-11-19"}, format="json")
    assert bad.status_code == 400
    assert "ends_on" in bad.json()["fields"]
    bad_date = client.patch(url, {"starts_on": "31/02/2026"}, format="json")
    assert bad_date.status_code == 400 and "starts_on" in bad_date.json()["fields"]
    meeting.refresh_from_db()
    assert meeting.ends_on is None and meeting.starts_on == D(2026, 11, 20)

    # A participating commune's cadre reads but may not edit; others do not see it at all.
    assert api_as(cadre_a).patch(url, {"minutes": "x"}, format="json").status_code == 403
    outsider = UserFactory()
    assert api_as(outsider).patch(url, {"minutes": "x"}, format="json").status_code == 404
    assert api.patch(url, {"minutes": "x"}, format="json").status_code == 401
    assert api_as(supervisor).put(url, {"minutes": "x"}, format="json").status_code == 405


@pytest.mark.parametrize("rows", [1, 30])
def test_meeting_list_query_count_is_constant(
    rows: int, api_as: Any, tree: Any, supervisor: Any, count_queries: Any
) -> None:
    for i in range(rows):
        services.meeting_create(
            actor=supervisor,
            kind=MeetingKind.BRIEFING,
            title=f"Giao ban {i}",
            organising_unit=tree.province_a,
            participating_units=[tree.commune_a1],
            directives_cited=[DirectiveFactory()],  # type: ignore[list-item]
            conclusions=["Một", "Hai"],
        )
    client = api_as(supervisor)
    with count_queries() as queries:
        response = client.get(MEETINGS, {"page_size": 100})
    assert len(response.json()["results"]) == rows
    # user, memberships, page, participants, bridge points, directives, conclusions, their tasks
    assert len(queries) == 8, queries


def test_admin_user_of_another_province_cannot_act(api_as: Any, tree: Any, task_a1: Task) -> None:
    other_supervisor = UserFactory(memberships=[(tree.province_b, Role.SUPERVISOR)])
    assert api_as(other_supervisor).get(detail(task_a1)).status_code == 404
    assert api_as(other_supervisor).post(detail(task_a1, "approve/")).status_code == 404


def test_directive_replace_and_files(api_as: Any, tree: Any, supervisor: Any, cadre_a: Any) -> None:
    old = DirectiveFactory(issuing_unit=tree.province_a, issuer="TU", number="14")
    new = DirectiveFactory(issuing_unit=tree.province_a, issuer="TU", number="30")
    url = f"{DIRECTIVES}{old.pk}/"
    assert (
        api_as(cadre_a).post(f"{url}replace/", {"replaced_by": new.pk}, format="json").status_code
        == 403
    )
    itself = api_as(supervisor).post(f"{url}replace/", {"replaced_by": old.pk}, format="json")
    assert itself.status_code == 400 and "replaced_by" in itself.json()["fields"]
    done = api_as(supervisor).post(f"{url}replace/", {"replaced_by": new.pk}, format="json")
    assert done.status_code == 200
    assert (done.json()["status"], done.json()["replaced_by"]) == ("replaced", new.pk)
    scan = SimpleUploadedFile("14-CT-TU.pdf", b"%PDF-1.4", content_type="application/pdf")
    assert (
        api_as(cadre_a).post(f"{url}files/", {"file": scan}, format="multipart").status_code == 403
    )
    scan.seek(0)
    attached = api_as(supervisor).post(f"{url}files/", {"file": scan}, format="multipart")
    assert attached.status_code == 201
    assert attached.json()["files"][0]["name"] == "14-CT-TU.pdf"
    assert api_as(supervisor).post(f"{url}files/", {}, format="multipart").status_code == 400


def test_add_a_conclusion(api_as: Any, tree: Any, supervisor: Any, cadre_a: Any) -> None:
    meeting = services.meeting_create(
        actor=supervisor,
        kind=MeetingKind.BRIEFING,
        title="Giao ban",
        organising_unit=tree.province_a,
        participating_units=[tree.commune_a1],
        conclusions=["Một"],
    )
    url = f"{MEETINGS}{meeting.pk}/conclusions/"
    assert api_as(cadre_a).post(url, {"text": "Hai"}, format="json").status_code == 403
    added = api_as(supervisor).post(url, {"text": "Hai"}, format="json")
    assert added.status_code == 201
    assert added.json()["number"] == 2
    empty = api_as(supervisor).post(url, {"text": ""}, format="json")
    assert empty.status_code == 400 and "text" in empty.json()["fields"]


def test_list_shows_the_roll_up(api_as: Any, tree: Any, supervisor: Any) -> None:
    cadre_1 = UserFactory(memberships=[(tree.commune_a1, Role.COMMUNE_CADRE)])
    parent = make_task(issuing_unit=tree.central, lead_unit=tree.province_a)
    children = services.task_cascade(actor=supervisor, task=parent)
    one = next(c for c in children if c.lead_unit_id == tree.commune_a1.pk)
    api_as(cadre_1).post(detail(one, "progress/"), {"text": "Xong một nửa", "percent": 50})
    rows = {r["id"]: r for r in api_as(supervisor).get(TASKS).json()["results"]}
    assert rows[parent.pk]["rollup_percent"] == 25.0
    assert rows[parent.pk]["progress_percent"] == 25
    assert rows[one.pk]["rollup_percent"] is None


GARBAGE = [None, "", "x" * 6000, -1, 1.5, [], {}, ["a"], {"a": {"b": 1}}, "2018-13-45", "🙂"]


@pytest.mark.parametrize("value", GARBAGE, ids=repr)
def test_garbage_never_gives_a_500(
    api_as: Any, tree: Any, supervisor: Any, task_a1: Task, value: Any
) -> None:
    client = api_as(supervisor)
    meeting = services.meeting_create(
        actor=supervisor,
        kind=MeetingKind.BRIEFING,
        title="Giao ban",
        organising_unit=tree.province_a,
        conclusions=["Một"],
    )
    calls = [
        (
            "post",
            TASKS,
            [
                "title",
                "issuing_unit",
                "lead_unit",
                "period",
                "due_on",
                "parent",
                "coordinating_units",
                "coordinating_due_dates",
                "recurrence",
            ],
        ),
        ("patch", detail(task_a1), ["title", "due_on", "period", "priority"]),
        (
            "post",
            detail(task_a1, "progress/"),
            ["text", "percent", "figures", "unit", "reported_on", "client_id"],
        ),
        ("post", detail(task_a1, "cascade/"), ["level"]),
        ("post", detail(task_a1, "return/"), ["reason"]),
        ("post", DIRECTIVES, ["number", "title", "issuing_unit", "implements", "issued_on"]),
        (
            "post",
            MEETINGS,
            [
                "kind",
                "title",
                "organising_unit",
                "starts_on",
                "conclusions",
                "bridge_point_count",
                "participating_units",
            ],
        ),
        (
            "post",
            f"{MEETINGS}{meeting.pk}/conclusions-to-tasks/",
            ["lead_unit", "period", "coordinating_units"],
        ),
    ]
    valid = {
        "title": "Nhiệm vụ",
        "issuing_unit": tree.province_a.pk,
        "lead_unit": tree.commune_a1.pk,
        "text": "Đã làm",
        "percent": 10,
        "number": "25-NQ/TW",
        "kind": "giao_ban",
        "organising_unit": tree.province_a.pk,
        "level": "commune",
        "reason": "Lý do",
    }
    for method, url, fields in calls:
        for field in fields:
            body = {**valid, field: value}
            response = getattr(client, method)(url, body, format="json")
            assert response.status_code < 500, (method, url, field, response.content[:300])
    if value is None:
        return  # a query string cannot carry None
    for query in (
        {"status": value},
        {"unit": value},
        {"due_in": value},
        {"parent": value},
        {"cursor": value},
        {"page_size": value},
    ):
        assert client.get(TASKS, query).status_code < 500, query
    assert client.get(f"{TASKS}sync/", {"updated_since": value}).status_code < 500


def test_directive_and_progress_creates_are_idempotent(
    api_as: Any, supervisor: Any, cadre_a: Any, task_a1: Task
) -> None:
    body = {"number": "Chỉ thị số 49-CT/TW, ngày 20/10/2015", "title": "Vùng đồng bào"}
    client = api_as(supervisor)
    first = client.post(DIRECTIVES, body, format="json", HTTP_IDEMPOTENCY_KEY="d-1")
    again = client.post(DIRECTIVES, body, format="json", HTTP_IDEMPOTENCY_KEY="d-1")
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["id"] == again.json()["id"] and Directive.objects.count() == 1
    assert first["ETag"] == again["ETag"]
    # Another person's retry with the same key is refused, not merged.
    other = api_as(cadre_a).post(DIRECTIVES, body, format="json", HTTP_IDEMPOTENCY_KEY="d-1")
    assert other.status_code in (403, 409) and Directive.objects.count() == 1

    report = {"text": "Đã triển khai", "percent": 30, "client_id": "r-1"}
    phone = api_as(cadre_a)
    made = phone.post(detail(task_a1, "progress/"), report, format="json")
    replay = phone.post(detail(task_a1, "progress/"), report, format="json")
    assert (made.status_code, replay.status_code) == (201, 200)
    assert replay.json()["id"] == made.json()["id"]
    assert ProgressReport.objects.filter(task=task_a1).count() == 1
    task_a1.refresh_from_db()
    assert task_a1.version == 2  # the retry did not count as a second report


def test_recording_a_directive_twice_is_a_409_naming_the_first(
    api_as: Any, tree: Any, supervisor: Any
) -> None:
    client = api_as(supervisor)
    first = client.post(
        DIRECTIVES,
        {
            "number": "Chỉ thị 14-CT/TU",
            "title": "Dân vận chính quyền",
            "issuing_unit": tree.province_a.pk,
        },
        format="json",
    )
    assert first.status_code == 201
    again = client.post(
        DIRECTIVES,
        {"number": "14-CT/TU", "title": "Nhập lại", "issuing_unit": tree.province_a.pk},
        format="json",
    )
    assert again.status_code == 409
    body = again.json()
    assert list(body["fields"]) == ["number"] and "14-CT/TU" in body["message"]
    assert "Dân vận chính quyền" in body["message"]
    assert Directive.objects.count() == 1
    # Another province's committee is also "TU"; numbers restart with each term (year known).
    other = UserFactory(memberships=[(tree.province_b, Role.SUPERVISOR)])
    theirs = api_as(other).post(
        DIRECTIVES,
        {"number": "14-CT/TU", "title": "Của Lai Châu", "issuing_unit": tree.province_b.pk},
        format="json",
    )
    assert theirs.status_code == 201
    client.post(
        DIRECTIVES,
        {"number": "Chỉ thị số 05-CT/TW ngày 15/5/2016", "title": "Học tập và làm theo"},
        format="json",
    )
    earlier = client.post(
        DIRECTIVES,
        {"number": "Chỉ thị số 05-CT/TW ngày 21/4/2011", "title": "Khóa XI"},
        format="json",
    )
    assert earlier.status_code == 201
