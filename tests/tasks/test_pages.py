"""The cadre pages: my unit's tasks, a task with its timeline, progress reports, approval."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone, translation

from danvan.org.models import Role
from tasks import services
from tasks.models import (
    AssignmentRole,
    ProgressEvidence,
    ProgressReport,
    ReportState,
    Task,
    TaskAssignment,
    TaskSource,
    TaskStatus,
)
from tests.factories import UserFactory
from tests.tasks.factories import DirectiveFactory, MeetingFactory, make_task

PDF = b"%PDF-1.4 bien ban hop dan"


def page(response: Any) -> str:
    return response.content.decode()


def report_data(**overrides: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "client_id": "6f1d8a52-3c1e-4c55-9a55-0b3e5d2a7c11",
        "text": "Đã họp dân ở thôn Đồng Lạc, vận động hiến đất làm đường",
        "percent": 40,
    }
    values.update(overrides)
    return values


@pytest.fixture
def sibling_task(tree: Any) -> Task:
    """A task of commune A2, which commune A1's cadre must not see."""
    return make_task(
        issuing_unit=tree.province_a, lead_unit=tree.commune_a2, title="Việc riêng của xã bên"
    )


@pytest.fixture
def finished_by_a1(task_a1: Task, cadre_a: Any) -> Task:
    """Commune A1 has reported the task done; it waits for the province's approval."""
    services.progress_report_submit(
        actor=cadre_a,
        task=task_a1,
        text="Đã hoàn thành sơ kết",
        percent=100,
        reported_on=datetime.date(2018, 12, 20),
    )
    task_a1.refresh_from_db()
    return task_a1


# --- The list ---------------------------------------------------------------------------------
def test_list_shows_my_units_tasks_with_status_due_date_and_progress(
    client: Any, tree: Any, cadre_a: Any, task_a1: Task, sibling_task: Task
) -> None:
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    late = make_task(
        issuing_unit=tree.province_a,
        lead_unit=tree.commune_a1,
        title="Báo cáo 6 tháng",
        due_on=yesterday,
    )
    coordinated = make_task(
        issuing_unit=tree.province_a,
        lead_unit=tree.board_a,
        title="Phối hợp tổ chức đối thoại",
        coordinating=[tree.commune_a1],
        progress_percent=30,
    )
    client.force_login(cadre_a)

    html = page(client.get("/tasks/"))

    assert "Nhiệm vụ của đơn vị tôi" in html
    assert task_a1.title in html and late.title in html and coordinated.title in html
    assert sibling_task.title not in html
    assert f'data-task="{sibling_task.pk}"' not in html
    assert yesterday.strftime("%d/%m/%Y") in html
    assert "31/12/2018" in html
    assert 'data-status="overdue">Quá hạn' in html
    assert 'data-status="in_progress">Đang thực hiện' in html
    assert "30%" in html
    assert "phối hợp: Xã Di Linh" in html


def test_list_shows_every_derived_status_as_a_badge(
    client: Any, tree: Any, supervisor: Any
) -> None:
    due = datetime.date(2020, 6, 30)
    cases = {
        "not_started": {"due_on": None},
        "in_progress": {"due_on": None, "progress_percent": 10},
        "done_on_time": {"due_on": due, "completed_on": due},
        "done_late": {"due_on": due, "completed_on": due + datetime.timedelta(days=1)},
        "overdue": {"due_on": due},
        "cancelled": {"due_on": due, "cancelled": True},
    }
    for status, fields in cases.items():
        make_task(issuing_unit=tree.province_a, lead_unit=tree.commune_a1, title=status, **fields)
    client.force_login(supervisor)

    html = page(client.get("/tasks/"))

    for status in cases:
        with translation.override("vi"):
            label = TaskStatus(status).label
        assert f'class="state status-{status}" data-status="{status}">{label}</span>' in html
    assert "Chưa thực hiện" in html and "Quá hạn" in html and "Đã hủy" in html


def test_list_filters_by_status_and_searches_without_accents(
    client: Any, tree: Any, cadre_a: Any, task_a1: Task
) -> None:
    other = make_task(
        issuing_unit=tree.province_a,
        lead_unit=tree.commune_a1,
        title="Xây dựng mô hình dân vận khéo",
    )
    client.force_login(cadre_a)

    found = page(client.get("/tasks/", {"q": "so ket quyet dinh 217"}))
    not_started = page(client.get("/tasks/", {"status": "not_started"}))
    overdue = page(client.get("/tasks/", {"status": "overdue"}))
    nothing = page(client.get("/tasks/", {"q": "khong co viec nay"}))

    assert task_a1.title in found and other.title not in found
    assert other.title in not_started and task_a1.title not in not_started
    assert task_a1.title in overdue and other.title not in overdue  # due 31/12/2018
    assert "Không có nhiệm vụ nào." in nothing


def test_list_pages_by_25_newest_first(client: Any, tree: Any, cadre_a: Any) -> None:
    tasks = [
        make_task(issuing_unit=tree.province_a, lead_unit=tree.commune_a1, title=f"Việc số {n}")
        for n in range(30)
    ]
    client.force_login(cadre_a)

    first = client.get("/tasks/", {"q": "viec so"})
    html = page(first)
    assert html.count('class="card" data-task=') == 25
    assert f'data-task="{tasks[-1].pk}"' in html and f'data-task="{tasks[4].pk}"' not in html
    second = page(client.get("/tasks/", {"q": "viec so", "before": tasks[5].pk}))
    assert second.count('class="card" data-task=') == 5
    assert f'data-task="{tasks[0].pk}"' in second
    assert f"before={tasks[5].pk}" in html  # the "more" link keeps the search
    assert "q=viec+so" in html


@pytest.mark.parametrize("rows", [1, 60])
def test_list_query_count_does_not_grow_with_rows(
    client: Any, tree: Any, cadre_a: Any, django_assert_num_queries: Any, rows: int
) -> None:
    for n in range(rows):
        make_task(
            issuing_unit=tree.province_a,
            lead_unit=tree.commune_a1,
            title=f"Việc {n}",
            coordinating=[tree.commune_a2],
        )
    client.force_login(cadre_a)

    # 1 session, 2 user, 3 the user's memberships (scope), 4 the scope's unit ids, 5 the page
    # of tasks with units, source, status and roll-up, 6 their assignments with units, 7 the
    # person's saved views.
    with django_assert_num_queries(7):
        response = client.get("/tasks/")
    assert response.status_code == 200


def test_list_requires_login(client: Any, task_a1: Task) -> None:
    response = client.get("/tasks/")

    assert response.status_code == 302
    assert response["Location"].startswith("/dang-nhap/?next=/tasks/")


def test_nav_links_for_signed_in_people(client: Any, cadre_a: Any) -> None:
    assert 'href="/tasks/"' not in page(client.get("/"))
    client.force_login(cadre_a)

    html = page(client.get("/"))

    assert '<a href="/tasks/">Nhiệm vụ</a>' in html
    assert '<a href="/reports/">Báo cáo</a>' in html


# --- The task page ----------------------------------------------------------------------------
def test_detail_shows_source_units_with_their_due_dates_reports_and_timeline(
    client: Any, tree: Any, cadre_a: Any, supervisor: Any
) -> None:
    title = "Hội nghị giao ban công tác dân vận 6 tháng đầu năm 2018"
    meeting = MeetingFactory(
        title=title,
        organising_unit=tree.province_a,
    )
    conclusion = meeting.conclusions.create(number=3, text="Triển khai Quyết định 217")
    directive = DirectiveFactory(number="217", doc_type="QĐ", issuer="TW", full_number="217-QĐ/TW")
    task = make_task(
        issuing_unit=tree.province_a,
        lead_unit=tree.commune_a1,
        title="Triển khai Quyết định 217",
        due_on=datetime.date(2018, 12, 31),
        source_kind=TaskSource.CONCLUSION,
        conclusion=conclusion,
        directive=directive,
        number=3,
    )
    TaskAssignment.objects.create(
        task=task,
        unit=tree.board_a,
        role=AssignmentRole.COORDINATE,
        due_on=datetime.date(2018, 11, 15),
    )
    services.progress_report_submit(
        actor=cadre_a, task=task, text="Đã họp triển khai", percent=20, figures={"workdays": 12}
    )
    client.force_login(cadre_a)

    html = page(client.get(f"/tasks/{task.pk}/"))

    assert title in html and "217-QĐ/TW" in html
    assert "Kết luận hội nghị" in html
    assert "Lâm Đồng" in html
    assert 'data-unit="25000"' in html and "Chủ trì" in html
    assert 'data-unit="68.BDV"' in html and "Phối hợp" in html
    assert "hạn 15/11/2018" in html and "hạn 31/12/2018" in html
    assert "Đã họp triển khai" in html and "Ngày công đóng góp: 12" in html
    assert 'data-action="progress_reported"' in html and "Báo cáo tiến độ: 20%" in html


def test_detail_rolls_up_sub_tasks(client: Any, tree: Any, supervisor: Any, cadre_a: Any) -> None:
    parent = make_task(
        issuing_unit=tree.central, lead_unit=tree.province_a, title="Nhiệm vụ của tỉnh"
    )
    services.task_cascade(actor=services.SYSTEM, task=parent)
    child_a1 = parent.children.get(lead_unit=tree.commune_a1)
    services.progress_report_submit(actor=cadre_a, task=child_a1, text="Xong một nửa", percent=50)
    client.force_login(supervisor)

    html = page(client.get(f"/tasks/{parent.pk}/"))

    assert "2 nhiệm vụ con" in html
    assert "Tiến độ bình quân của các nhiệm vụ con: <strong>25,0%</strong>" in html
    assert "Đang thực hiện: 1" in html and "Chưa thực hiện: 1" in html
    # The province's task is not the commune's: its cadre opens only the sub-task.
    client.force_login(cadre_a)
    assert client.get(f"/tasks/{parent.pk}/").status_code == 404
    assert "<strong data-progress>50%</strong>" in page(client.get(f"/tasks/{child_a1.pk}/"))


def test_detail_out_of_scope_is_404_and_anonymous_is_sent_to_login(
    client: Any, cadre_b: Any, task_a1: Task
) -> None:
    anonymous = client.get(f"/tasks/{task_a1.pk}/")
    assert anonymous.status_code == 302 and "/dang-nhap/" in anonymous["Location"]
    client.force_login(cadre_b)

    assert client.get(f"/tasks/{task_a1.pk}/").status_code == 404
    assert client.get("/tasks/999999/").status_code == 404
    assert client.post(f"/tasks/{task_a1.pk}/report/", report_data()).status_code == 404
    assert client.post(f"/tasks/{task_a1.pk}/approve/").status_code == 404
    assert client.post(f"/tasks/{task_a1.pk}/return/", {"reason": "x"}).status_code == 404
    assert not ProgressReport.objects.exists()


def test_anonymous_post_is_sent_to_login(client: Any, task_a1: Task) -> None:
    response = client.post(f"/tasks/{task_a1.pk}/report/", report_data())

    assert response.status_code == 302 and "/dang-nhap/" in response["Location"]
    assert not ProgressReport.objects.exists()


# --- Reporting progress -----------------------------------------------------------------------
def test_cadre_reports_progress_with_evidence_and_figures(
    client: Any, cadre_a: Any, task_a1: Task
) -> None:
    client.force_login(cadre_a)
    evidence = SimpleUploadedFile("bien-ban.pdf", PDF, content_type="application/pdf")

    response = client.post(
        f"/tasks/{task_a1.pk}/report/",
        report_data(evidence=evidence, figure_land_donated_m2="16505", figure_workdays="2.5"),
    )

    assert response.status_code == 302 and response["Location"] == f"/tasks/{task_a1.pk}/#reports"
    report = ProgressReport.objects.get()
    assert (report.unit, report.author, report.percent) == (task_a1.lead_unit, cadre_a, 40)
    assert report.figures == {"land_donated_m2": 16505, "workdays": 2.5}
    assert report.evidence.get().name == "bien-ban.pdf"
    task_a1.refresh_from_db()
    assert task_a1.progress_percent == 40
    html = page(client.get(response["Location"]))
    assert "Đã báo cáo tiến độ: 40%." in html
    assert "Đất hiến (m²): 16505" in html and "bien-ban.pdf" in html
    assert 'data-action="progress_reported"' in html


def test_a_double_submit_makes_one_report(client: Any, cadre_a: Any, task_a1: Task) -> None:
    client.force_login(cadre_a)

    client.post(f"/tasks/{task_a1.pk}/report/", report_data())
    client.post(f"/tasks/{task_a1.pk}/report/", report_data())

    assert ProgressReport.objects.count() == 1


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"percent": 150}, "percent", "Tiến độ phải là số nguyên từ 0 đến 100."),
        ({"percent": "nửa"}, "percent", "Tiến độ phải là số nguyên từ 0 đến 100."),
        ({"text": "  "}, "text", "Hãy mô tả kết quả đã thực hiện."),
        ({"text": ""}, "text", "Hãy mô tả kết quả đã thực hiện."),
        ({"figure_workdays": "-3"}, "figure_workdays", "Hãy nhập một số từ 0 trở lên."),
        (
            {"evidence": SimpleUploadedFile("bien-ban.pdf", b"MZ\x90\x00 not a pdf")},
            "evidence",
            "Chỉ nhận tệp PDF, JPEG và PNG; tệp này không thuộc các loại đó.",
        ),
        (
            {"evidence": SimpleUploadedFile("trong.png", b"")},
            "evidence",
            "Tệp gửi lên không có nội dung.",
        ),
    ],
)
def test_bad_report_shows_the_message_next_to_the_field_and_saves_nothing(
    client: Any, cadre_a: Any, task_a1: Task, overrides: dict[str, Any], field: str, message: str
) -> None:
    client.force_login(cadre_a)

    response = client.post(f"/tasks/{task_a1.pk}/report/", report_data(**overrides))

    assert response.status_code == 400
    html = page(response)
    error = html.split(f'data-field="{field}"', 1)[1].split("</div>", 1)[0]
    assert 'class="errorlist"' in error and message in error
    assert not ProgressReport.objects.exists() and not ProgressEvidence.objects.exists()
    task_a1.refresh_from_db()
    assert task_a1.progress_percent == 0 and task_a1.version == 1


def test_sibling_cadre_and_petition_handler_cannot_report(
    client: Any, tree: Any, handler_a: Any, cadre_b: Any, task_a1: Task
) -> None:
    client.force_login(handler_a)
    html = page(client.get(f"/tasks/{task_a1.pk}/"))
    assert 'id="report"' not in html  # a handler reads, but has no permission to report

    refused = client.post(f"/tasks/{task_a1.pk}/report/", report_data())

    assert refused.status_code == 403
    assert "Chỉ đơn vị chủ trì và đơn vị phối hợp mới được báo cáo" in page(refused)
    assert not ProgressReport.objects.exists()


def test_report_on_an_approved_task_is_refused_with_a_message(
    client: Any, cadre_a: Any, supervisor: Any, finished_by_a1: Task
) -> None:
    services.task_approve(actor=supervisor, task=finished_by_a1)
    client.force_login(cadre_a)
    assert 'id="report"' not in page(client.get(f"/tasks/{finished_by_a1.pk}/"))

    response = client.post(f"/tasks/{finished_by_a1.pk}/report/", report_data())

    assert response.status_code == 409
    assert "Nhiệm vụ đã được duyệt hoàn thành." in page(response)
    assert ProgressReport.objects.count() == 1


# --- Approval and return ----------------------------------------------------------------------
def test_supervisor_approves_completion(client: Any, supervisor: Any, finished_by_a1: Task) -> None:
    client.force_login(supervisor)
    html = page(client.get(f"/tasks/{finished_by_a1.pk}/"))
    assert "Duyệt hoàn thành" in html and "Chờ duyệt" in html

    response = client.post(f"/tasks/{finished_by_a1.pk}/approve/")

    assert response.status_code == 302
    finished_by_a1.refresh_from_db()
    assert finished_by_a1.completed_on == datetime.date(2018, 12, 20)
    html = page(client.get(response["Location"]))
    assert "Đã duyệt hoàn thành." in html
    assert 'data-status="done_on_time">Hoàn thành đúng hạn' in html
    assert 'data-action="approved"' in html and 'id="decide"' not in html


def test_supervisor_returns_with_a_reason(
    client: Any, supervisor: Any, finished_by_a1: Task
) -> None:
    client.force_login(supervisor)

    empty = client.post(f"/tasks/{finished_by_a1.pk}/return/", {"reason": " "})
    assert empty.status_code == 400
    error = page(empty).split('data-field="reason"', 1)[1].split("</div>", 1)[0]
    assert "Hãy nêu lý do trả lại nhiệm vụ." in error
    response = client.post(
        f"/tasks/{finished_by_a1.pk}/return/", {"reason": "Thiếu biên bản họp dân"}
    )

    assert response.status_code == 302
    report = ProgressReport.objects.get()
    assert report.state == ReportState.RETURNED
    html = page(client.get(response["Location"]))
    assert "Bị trả lại: Thiếu biên bản họp dân" in html
    assert 'data-action="returned"' in html


def test_cadre_cannot_approve_and_nothing_to_approve_is_a_message(
    client: Any, cadre_a: Any, supervisor: Any, task_a1: Task, finished_by_a1: Task
) -> None:
    client.force_login(cadre_a)
    assert 'id="decide"' not in page(client.get(f"/tasks/{task_a1.pk}/"))

    refused = client.post(f"/tasks/{task_a1.pk}/approve/")

    assert refused.status_code == 403
    assert "Chỉ lãnh đạo đơn vị giao mới được duyệt hoàn thành." in page(refused)
    task_a1.refresh_from_db()
    assert task_a1.completed_on is None
    client.force_login(supervisor)
    client.post(f"/tasks/{task_a1.pk}/approve/")
    again = client.post(f"/tasks/{task_a1.pk}/approve/")
    assert again.status_code == 409
    assert "Chưa có gì để duyệt" in page(again)


def test_get_on_an_action_is_not_allowed(client: Any, supervisor: Any, task_a1: Task) -> None:
    client.force_login(supervisor)

    assert client.get(f"/tasks/{task_a1.pk}/approve/").status_code == 405


def test_a_supervisor_of_another_province_sees_nothing(
    client: Any, tree: Any, task_a1: Task
) -> None:
    other = UserFactory(username="bdv_b", memberships=[(tree.province_b, Role.SUPERVISOR)])
    client.force_login(other)

    assert task_a1.title not in page(client.get("/tasks/"))
    assert client.get(f"/tasks/{task_a1.pk}/").status_code == 404


@pytest.mark.parametrize("reports", [1, 15])
def test_detail_query_count_does_not_grow_with_reports_and_events(
    client: Any, cadre_a: Any, task_a1: Task, count_queries: Any, reports: int
) -> None:
    for n in range(reports):
        services.progress_report_submit(
            actor=cadre_a,
            task=task_a1,
            text=f"Lần {n}",
            percent=n,
            files=[SimpleUploadedFile(f"bien-ban-{n}.pdf", PDF)],
        )
    client.force_login(cadre_a)

    with count_queries() as queries:
        response = client.get(f"/tasks/{task_a1.pk}/")

    assert response.status_code == 200
    assert page(response).count("data-report=") == reports
    # 1 session, 2 user, 3 memberships (scope and roles), 4 the scope's unit ids (read once),
    # 5 the task (scope check), 6 the task with its relations, 7 assignments with their units,
    # 8 sub-task counts (one aggregate), 9 progress reports, 10 their evidence, 11 events,
    # 12 first sub-tasks. "May report" and "may decide" ask the one authorization rule on the
    # cached memberships and assignments.
    assert len(queries) == 12, queries
