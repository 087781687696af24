"""The supervisor dashboard in a real browser: figures, charts, drill-down, phone layout."""

from __future__ import annotations

from typing import Any

import pytest

from tests.reports.conftest import DENOUNCER, policies, task_world, world  # noqa: F401

pytestmark = pytest.mark.browser


@pytest.mark.usefixtures("world", "task_world")
def test_supervisor_reads_the_province_and_drills_down_to_a_commune(
    open_page: Any, screenshot: Any, supervisor: Any, tree: Any
) -> None:
    page = open_page(supervisor, f"/reports/?unit={tree.province_a.pk}&period=year&year=2026")

    assert page.locator("h1").inner_text() == "Bảng theo dõi, giám sát"
    assert page.locator("[data-figure=received]").inner_text() == "7"
    assert page.locator("svg.chart").count() == 2
    assert page.locator("svg.chart rect").count() > 10  # the bars were drawn
    assert DENOUNCER not in page.content()
    screenshot(page, "reports-dashboard-province")

    page.get_by_role("link", name="Xã Di Linh").first.click()
    page.wait_for_load_state()
    assert "Xã Di Linh" in page.locator(".crumbs").inner_text()
    assert page.locator("[data-figure=received]").inner_text() == "4"
    # Back up to the province through the breadcrumb.
    page.locator(".crumbs").get_by_role("link", name="Lâm Đồng").click()
    page.wait_for_load_state()
    assert page.locator("[data-figure=received]").inner_text() == "7"


@pytest.mark.usefixtures("world")
def test_dashboard_fits_a_phone(
    open_page: Any, screenshot: Any, supervisor: Any, tree: Any
) -> None:
    page = open_page(
        supervisor, f"/reports/?unit={tree.province_a.pk}&period=half&year=2026&half=1", phone=True
    )
    assert "6 tháng đầu năm 2026" in page.locator(".crumbs").inner_text()
    # Nothing wider than the screen: the page does not scroll sideways.
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0
    cards = page.locator(".card")
    assert cards.first.bounding_box()["width"] < 390
    screenshot(page, "reports-dashboard-phone")


@pytest.mark.usefixtures("world")
def test_cadre_cannot_open_the_province_dashboard(open_page: Any, cadre_a: Any, tree: Any) -> None:
    page = open_page(cadre_a, f"/reports/?unit={tree.province_a.pk}")
    response = page.goto(page.url)
    assert response.status == 404
    assert "Lâm Đồng" not in page.content()


@pytest.mark.usefixtures("world")
def test_report_progress_shows_without_losing_what_the_user_types(
    open_page: Any, supervisor: Any, tree: Any
) -> None:
    from datetime import date

    from reports.models import ReportDocument

    document = ReportDocument.objects.create(
        unit=tree.province_a,
        kind="half",
        year=2026,
        half=1,
        as_of=date(2026, 7, 1),
        requested_by=supervisor,
    )
    page = open_page(supervisor, f"/reports/?unit={tree.province_a.pk}", phone=True)
    row = page.locator(f"tr[data-document='{document.pk}']")
    assert "Đang chờ" in row.inner_text()
    page.fill("input[name=number]", "15")  # the next request, being typed meanwhile

    ReportDocument.objects.filter(pk=document.pk).update(status="running", progress=40)
    page.wait_for_function(
        "(pk) => document.querySelector(`tr[data-document='${pk}'] .progress-value`)"
        ".textContent === '40%'",
        arg=document.pk,
        timeout=15000,
    )
    ReportDocument.objects.filter(pk=document.pk).update(status="done", progress=100)
    row.locator("td.actions a", has_text="Word").wait_for(timeout=15000)

    assert "Đã xong" in row.inner_text()
    assert row.locator("td.actions a", has_text="Excel").get_attribute("href") == (
        f"/reports/documents/{document.pk}/xlsx/"
    )
    assert page.input_value("input[name=number]") == "15"  # nothing was reloaded
