"""
The movement on a phone and a desk: a commune cadre registers a "Dân vận khéo" model with its
figures and a photo, the province's leader recognises it, the cadre reports the quarter's
figures and sees them roll up, and a dialogue's issue becomes a petition.
"""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Any

import pytest

from movement.models import IndicatorReport, ModelStatus, MovementModel
from petitions.models import Petition
from seeds.movement import seed_indicators
from seeds.petitions import seed_petition_reference
from tests.movement.factories import make_dialogue

pytestmark = pytest.mark.browser


@pytest.fixture(autouse=True)
def _indicators(transactional_db: Any) -> None:
    """The indicators come with a migration: a live-server test's flush removed them."""
    seed_indicators()


PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\xff\xff?\x00\x05\xfe\x02\xfe\xa7\x35\x81\x84"
    b"\x00\x00\x00\x00IEND\xaeB`\x82"
)


def test_cadre_registers_a_model_on_a_phone_and_the_province_recognises_it(
    open_page: Any,
    screenshot: Any,
    tree: Any,
    cadre_a: Any,
    supervisor: Any,
    tmp_path: Path,
) -> None:
    page = open_page(cadre_a, "/movement/", phone=True)
    assert page.locator("h1").inner_text() == "Mô hình “Dân vận khéo”"
    page.get_by_role("link", name="Đăng ký mô hình").click()
    page.wait_for_load_state()

    # Saved without a name: the summary at the top names the field, nothing is written.
    page.select_option("#id_unit", str(tree.commune_a1.pk))
    page.select_option("#id_field", "kinh_te")
    page.fill("#id_year_started", "2025")
    page.get_by_role("button", name="Đăng ký", exact=True).click()
    page.wait_for_load_state()
    assert "Tên" in page.locator("#errors").inner_text()
    assert MovementModel.objects.count() == 0

    photo = tmp_path / "duong-thon.png"
    photo.write_bytes(PNG)
    page.fill("#id_name", "Mô hình “Dân vận khéo” vận động Nhân dân hiến đất làm đường thôn")
    page.fill("#id_results", "Mở rộng 2,1 km đường thôn Đồng Lạc")
    page.locator("details.figures summary").click()
    page.fill("#id_figure_land_donated_m2", "1250")
    page.fill("#id_figure_workdays", "340")
    page.set_input_files("#id_evidence", str(photo))
    assert page.get_attribute("#id_evidence", "capture") == "environment"
    page.get_by_role("button", name="Đăng ký", exact=True).click()
    page.wait_for_load_state()
    assert "Đã đăng ký mô hình." in page.locator(".messages").inner_text()
    assert page.locator("[data-status]").inner_text() == "Đã đăng ký"
    assert "Diện tích đất Nhân dân hiến (m²): 1250" in page.locator("#results").inner_text()
    assert "duong-thon.png" in page.locator("#evidence").inner_text()
    # A cadre does not recognise: no such form for them.
    assert page.locator("#step-recognise").count() == 0
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
    screenshot(page, "movement-model-phone")
    model = MovementModel.objects.get()

    # The evidence opens for someone who may see the model; a stranger gets 404.
    href = page.locator("#evidence a").first.get_attribute("href")
    base = page.url.split("/movement/")[0]
    assert page.request.get(base + href).status == 200

    desk = open_page(supervisor, f"/movement/{model.pk}/")
    form = desk.locator("#step-recognise")
    form.locator("select[name=recognising_unit]").select_option(str(tree.province_a.pk))
    form.locator("input[name=decision_number]").fill("125/QĐ-BCĐ")
    form.locator("input[name=decision_date]").fill("02/03/2026")
    form.locator("select[name=award]").select_option("bang_khen")
    form.locator("input[name=award_by]").fill("UBND tỉnh Lâm Đồng")
    form.get_by_role("button", name="Công nhận").click()
    desk.wait_for_load_state()
    assert desk.locator("[data-status]").inner_text() == "Đã công nhận"
    assert "Cấp tỉnh" in desk.locator("main").inner_text()
    assert "125/QĐ-BCĐ" in desk.locator("#timeline").inner_text()
    screenshot(desk, "movement-model-recognised")
    model.refresh_from_db()
    assert (model.status, model.recognition_level) == (ModelStatus.RECOGNISED, "province")


def test_cadre_reports_figures_on_a_phone_and_they_roll_up(
    open_page: Any, screenshot: Any, tree: Any, cadre_a: Any, supervisor: Any
) -> None:
    page = open_page(cadre_a, "/movement/figures/", phone=True)
    page.select_option("#id_unit", str(tree.commune_a1.pk))
    page.fill("#id_period_start", "01/01/2026")
    page.fill("#id_period_end", "31/03/2026")
    page.fill("#id_period_label", "Quý I/2026")
    page.fill("#id_figure_meetings_held", "4")
    page.fill("#id_figure_workdays", "620")
    page.get_by_role("button", name="Gửi số liệu").click()
    page.wait_for_load_state()
    assert "Đã gửi số liệu." in page.locator(".messages").inner_text()
    assert IndicatorReport.objects.count() == 1
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
    screenshot(page, "movement-figures-phone")

    desk = open_page(supervisor, "/movement/figures/?year=2026")
    table = desk.locator('table[data-indicator="workdays"]')
    assert table.locator("[data-total]").inner_text() == "620"
    assert "Xã Di Linh" in table.inner_text()
    screenshot(desk, "movement-rollup")


def test_a_dialogue_issue_becomes_a_petition(
    open_page: Any, screenshot: Any, tree: Any, cadre_a: Any
) -> None:
    seed_petition_reference()
    dialogue = make_dialogue(tree.commune_a1)
    page = open_page(cadre_a, f"/movement/dialogues/{dialogue.pk}/")
    issue = page.locator('[data-issue="1"]')
    issue.locator("summary", has_text="Chuyển thành đơn").click()
    issue.locator("select[name='p1-kind']").select_option("recommendation")
    issue.get_by_role("button", name="Ghi nhận đơn").click()
    page.wait_for_load_state()
    petition = Petition.objects.get()
    assert f"Đã ghi nhận đơn {petition.code}." in page.locator(".messages").inner_text()
    assert petition.code in page.locator('[data-issue="1"]').inner_text()
    screenshot(page, "movement-dialogue")
    assert dialogue.issues.get().petition == petition
    assert petition.received_on == datetime.date(2026, 3, 2)
