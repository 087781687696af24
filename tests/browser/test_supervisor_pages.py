"""
A supervisor's morning in a real browser: the reports awaiting their approval, approved two at
once, the filter saved and opened again; the dashboard's period fields following the choice.
"""

from __future__ import annotations

import datetime
from typing import Any

import pytest

from tasks import services
from tasks.models import Task
from tests.reports.conftest import policies, world  # noqa: F401
from tests.tasks.factories import make_task

pytestmark = pytest.mark.browser


@pytest.fixture
def reported(transactional_db: Any, tree: Any, cadre_a: Any) -> list[Task]:
    """Three of the province's tasks reported done by commune Di Linh, one still running."""
    tasks = []
    for title in ("Sơ kết Quy chế dân vận", "Đối thoại với nhân dân", "Kỷ niệm 15/10"):
        task = make_task(issuing_unit=tree.province_a, lead_unit=tree.commune_a1, title=title)
        services.progress_report_submit(
            actor=cadre_a,
            task=task,
            text="Đã hoàn thành",
            percent=100,
            reported_on=datetime.date.today(),
        )
        tasks.append(task)
    make_task(issuing_unit=tree.province_a, lead_unit=tree.commune_a1, title="Vẫn đang làm")
    return tasks


def test_supervisor_filters_bulk_approves_and_saves_the_view(
    open_page: Any, screenshot: Any, supervisor: Any, reported: list[Task]
) -> None:
    page = open_page(supervisor, "/tasks/")
    assert page.locator("li.card").count() == 4

    page.get_by_role("checkbox", name="Chờ tôi duyệt").check()
    page.get_by_role("button", name="Lọc").click()
    page.wait_for_load_state()
    assert "awaiting_my_approval=1" in page.url
    assert page.locator("li.card").count() == 3
    assert "Vẫn đang làm" not in page.locator("ul.cards").inner_text()
    screenshot(page, "tasks-awaiting-my-approval")

    page.get_by_label("Chọn “Sơ kết Quy chế dân vận” để duyệt").check()
    page.get_by_label("Chọn “Đối thoại với nhân dân” để duyệt").check()
    page.get_by_role("button", name="Duyệt các báo cáo đã chọn").click()
    page.wait_for_load_state()
    assert page.locator(".messages").inner_text() == "Đã duyệt 2."
    assert page.locator("li.card").count() == 1  # still filtered: one left to approve
    assert "Kỷ niệm 15/10" in page.locator("ul.cards").inner_text()
    assert Task.objects.filter(approved_by=supervisor).count() == 2

    page.get_by_text("Lưu bộ lọc này").click()
    page.get_by_label("Tên bộ lọc").fill("Báo cáo chờ tôi duyệt")
    page.get_by_role("button", name="Lưu", exact=True).click()
    page.wait_for_load_state()
    assert "Đã lưu bộ lọc “Báo cáo chờ tôi duyệt”." in page.locator(".messages").inner_text()

    page.goto(page.url.split("?", 1)[0])  # the whole list again
    assert page.locator("li.card").count() == 4
    page.get_by_role("link", name="Báo cáo chờ tôi duyệt").click()
    page.wait_for_load_state()
    assert page.get_by_role("checkbox", name="Chờ tôi duyệt").is_checked()
    assert page.locator("li.card").count() == 1
    screenshot(page, "tasks-saved-view")


@pytest.mark.usefixtures("world")
def test_the_dashboard_shows_the_fields_of_the_chosen_period(
    open_page: Any, supervisor: Any, tree: Any
) -> None:
    page = open_page(supervisor, f"/reports/?unit={tree.province_a.pk}&period=year&year=2026")
    form = page.locator("form.filters").first
    assert form.locator("select[name=year]").is_visible()
    for name in ("half", "quarter", "month", "from", "to"):
        assert not form.locator(f"[name={name}]").is_visible()

    form.locator("select[name=period]").select_option("month")
    assert form.locator("input[name=month]").is_visible()
    assert not form.locator("[name=half]").is_visible()
    form.locator("input[name=month]").fill("5")
    form.get_by_role("button", name="Xem").click()
    page.wait_for_load_state()
    assert "month=5" in page.url and "half=" not in page.url and "from=" not in page.url
    assert "tháng 5/2026" in page.locator(".crumbs").inner_text()

    form = page.locator("form.filters").first
    form.locator("select[name=period]").select_option("custom")
    assert form.locator("input[name=from]").is_visible()
    assert not form.locator("select[name=year]").is_visible()
    assert not form.locator("input[name=month]").is_visible()
    # The report form: the six months only for a six-month report.
    documents = page.locator("form.filters").nth(1)
    assert documents.locator("[name=half]").is_visible()
    documents.locator("select[name=kind]").select_option("year")
    assert not documents.locator("[name=half]").is_visible()
