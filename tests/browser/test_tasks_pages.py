"""A commune cadre opens the unit's tasks on a phone, reports progress, and finds it on the task."""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from tasks import services
from tasks.models import AssignmentRole, ProgressReport, Task, TaskAssignment, TaskSource
from tests.tasks.factories import MeetingFactory, make_task

pytestmark = pytest.mark.browser


@pytest.fixture
def lam_dong_tasks(transactional_db: Any, tree: Any, cadre_a: Any) -> Task:
    """Tasks of the 27/06/2018 Lâm Đồng meeting, as commune Di Linh sees them."""
    today = timezone.localdate()
    meeting = MeetingFactory(
        title="Hội nghị giao ban công tác dân vận 6 tháng đầu năm",
        organising_unit=tree.province_a,
        starts_on=datetime.date(2018, 6, 27),
    )
    conclusions = [
        meeting.conclusions.create(number=n, text=text)
        for n, text in enumerate(
            [
                "Tiếp tục vận động nhân dân hiến đất làm đường giao thông nông thôn",
                "Xây dựng, nhân rộng các mô hình “Dân vận khéo”",
                "Nắm tình hình, giải quyết kịp thời đơn thư của nhân dân",
            ],
            1,
        )
    ]

    def task(number: int, due: datetime.date, **fields: Any) -> Task:
        return make_task(
            issuing_unit=tree.province_a,
            lead_unit=tree.commune_a1,
            title=conclusions[number - 1].text,
            number=number,
            source_kind=TaskSource.CONCLUSION,
            conclusion=conclusions[number - 1],
            due_on=due,
            **fields,
        )

    road = task(1, today + datetime.timedelta(days=45))
    TaskAssignment.objects.create(
        task=road,
        unit=tree.board_a,
        role=AssignmentRole.COORDINATE,
        due_on=today + datetime.timedelta(days=30),
    )
    services.progress_report_submit(
        actor=cadre_a,
        task=road,
        text="Đã họp dân 3 thôn, 12 hộ đăng ký hiến đất",
        percent=30,
        figures={"meetings_held": 3},
    )
    task(2, today - datetime.timedelta(days=1))
    task(
        3,
        today - datetime.timedelta(days=10),
        completed_on=today - datetime.timedelta(days=12),
        progress_percent=100,
    )
    make_task(
        issuing_unit=tree.province_a,
        lead_unit=tree.commune_a2,
        title="Việc của xã Hàm Thuận Bắc",
    )
    return road


def test_cadre_reports_progress_on_a_phone(
    open_page: Any, screenshot: Any, cadre_a: Any, lam_dong_tasks: Task, tmp_path: Path
) -> None:
    road = lam_dong_tasks
    page = open_page(cadre_a, "/tasks/", phone=True)

    assert page.locator("h1").inner_text() == "Nhiệm vụ của đơn vị tôi"
    assert page.locator(".card[data-task]").count() == 3
    assert "Việc của xã Hàm Thuận Bắc" not in page.content()
    card = page.locator(f'[data-task="{road.pk}"]')
    assert "Đang thực hiện" in card.inner_text() and "30%" in card.inner_text()
    assert "Quá hạn" in page.locator(".card[data-task]").nth(1).inner_text()
    # The phone does not scroll sideways.
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
    screenshot(page, "tasks-list-phone")

    card.get_by_role("link").click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text().startswith("1. Tiếp tục vận động nhân dân")
    assert "Ban Dân vận Tỉnh ủy Lâm Đồng" in page.locator("#units").inner_text()

    # A percent above 100: the page says what is wrong, next to the field, and saves nothing.
    page.fill("#id_text", "Đã vận động thêm 20 hộ hiến đất, làm được 1,2 km đường")
    page.fill("#id_percent", "150")
    page.get_by_role("button", name="Gửi báo cáo").click()
    page.wait_for_load_state()
    error = page.locator('[data-field="percent"] .errorlist')
    assert error.inner_text() == "Tiến độ phải là số nguyên từ 0 đến 100."
    assert page.input_value("#id_text").startswith("Đã vận động thêm 20 hộ")
    assert ProgressReport.objects.count() == 1
    screenshot(page, "task-report-error-phone")

    evidence = tmp_path / "bien-ban-hop-dan.pdf"
    evidence.write_bytes(b"%PDF-1.4\n% bien ban hop dan thon Dong Lac\n")
    page.fill("#id_percent", "60")
    page.set_input_files("#id_evidence", str(evidence))
    page.locator("details.figures summary").click()
    page.fill("#id_figure_land_donated_m2", "16505")
    page.get_by_role("button", name="Gửi báo cáo").click()
    page.wait_for_load_state()

    assert "Đã báo cáo tiến độ: 60%." in page.locator(".messages").inner_text()
    assert page.locator("[data-progress]").inner_text() == "60%"
    latest = page.locator("#reports .card").first.inner_text()
    assert "60%" in latest and "Đất hiến (m²): 16505" in latest
    assert "bien-ban-hop-dan.pdf" in latest
    timeline = page.locator("#timeline li")
    assert timeline.last.inner_text().startswith("Báo cáo tiến độ: 60%")
    assert timeline.count() == 2
    assert ProgressReport.objects.filter(task=road, percent=60).count() == 1
    screenshot(page, "task-detail-phone")


def test_a_wrong_file_type_is_refused_in_the_browser(
    open_page: Any, cadre_a: Any, lam_dong_tasks: Task, tmp_path: Path
) -> None:
    road = lam_dong_tasks
    page = open_page(cadre_a, f"/tasks/{road.pk}/", phone=True)
    fake = tmp_path / "anh.png"
    fake.write_bytes(b"<html>not a picture</html>")

    page.fill("#id_text", "Ảnh hiện trường")
    page.fill("#id_percent", "50")
    page.set_input_files("#id_evidence", str(fake))
    page.get_by_role("button", name="Gửi báo cáo").click()
    page.wait_for_load_state()

    error = page.locator('[data-field="evidence"] .errorlist').inner_text()
    assert "Chỉ nhận tệp PDF, JPEG và PNG" in error
    assert ProgressReport.objects.count() == 1


def test_supervisor_approves_in_the_browser(
    open_page: Any, supervisor: Any, cadre_a: Any, lam_dong_tasks: Task
) -> None:
    road = lam_dong_tasks
    services.progress_report_submit(actor=cadre_a, task=road, text="Đã hoàn thành", percent=100)
    page = open_page(supervisor, f"/tasks/{road.pk}/", phone=True)

    page.get_by_role("button", name="Duyệt hoàn thành").click()
    page.wait_for_load_state()

    assert "Đã duyệt hoàn thành." in page.locator(".messages").inner_text()
    assert "Hoàn thành đúng hạn" in page.locator("[data-status]").first.inner_text()
    assert page.locator("#decide").count() == 0
