"""
Files from the browser: a cadre attaches a scan and a photo at intake, a validation error
keeps them, they show on the petition's page and download; a progress report's photo reaches
the province's supervisor.
"""

from __future__ import annotations

from typing import Any

import pytest

from petitions.models import Petition
from seeds.petitions import seed_petition_reference
from tasks.models import ProgressEvidence
from tests.tasks.factories import make_task

pytestmark = pytest.mark.browser

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 64


@pytest.fixture(autouse=True)
def policies(transactional_db: Any) -> None:
    seed_petition_reference()


def test_intake_files_survive_an_error_and_download_from_the_petition(
    open_page: Any, screenshot: Any, tree: Any, cadre_a: Any
) -> None:
    page = open_page(cadre_a, "/petitions/new/", phone=True)
    page.fill("#id_full_name", "Nguyễn Văn Hùng")
    page.set_input_files(
        "#id_attachments",
        [
            {"name": "don-khieu-nai.pdf", "mimeType": "application/pdf", "buffer": PDF},
            {"name": "anh-thua-dat.jpg", "mimeType": "image/jpeg", "buffer": JPEG},
        ],
    )
    # No summary: the form comes back with its message, and the files are still there.
    page.get_by_role("button", name="Lưu").click()
    page.wait_for_load_state()

    assert page.locator('[data-field="summary"] .errorlist').is_visible()
    kept = page.locator('[data-field="attachments"] .kept')
    assert "không cần chọn lại" in kept.inner_text()
    assert "don-khieu-nai.pdf" in kept.inner_text() and "anh-thua-dat.jpg" in kept.inner_text()
    assert page.locator('input[name="attachments_kept"]:checked').count() == 2
    assert not Petition.objects.exists()
    page.locator('[data-field="attachments"]').scroll_into_view_if_needed()
    screenshot(page, "petition-intake-files-kept-phone")

    page.fill("#id_summary", "Khiếu nại về việc chưa được giao đất ở")
    page.get_by_role("button", name="Lưu").click()
    page.wait_for_load_state()

    petition = Petition.objects.get()
    assert petition.attachments.count() == 2
    page.goto(page.url.split("/petitions/")[0] + f"/petitions/{petition.pk}/")
    files = page.locator("#attachments li.attachment")
    assert files.count() == 2
    page.locator("#attach summary").click()
    screenshot(page, "petition-detail-attach-phone")
    with page.expect_download() as info:
        page.get_by_role("link", name="don-khieu-nai.pdf").click()
    download = info.value
    assert download.suggested_filename == "don-khieu-nai.pdf"
    with open(download.path(), "rb") as handle:
        assert handle.read() == PDF


def test_progress_photo_survives_an_error_and_reaches_the_supervisor(
    open_page: Any, tree: Any, cadre_a: Any, supervisor: Any
) -> None:
    task = make_task(
        issuing_unit=tree.province_a,
        lead_unit=tree.commune_a1,
        title="Vận động nhân dân hiến đất làm đường",
    )
    page = open_page(cadre_a, f"/tasks/{task.pk}/", phone=True)
    page.fill("#id_text", "Đã họp dân thôn Đồng Lạc, 12 hộ hiến đất")
    page.fill("#id_percent", "150")
    page.set_input_files(
        "#id_evidence", {"name": "hien-dat.jpg", "mimeType": "image/jpeg", "buffer": JPEG}
    )
    page.get_by_role("button", name="Gửi báo cáo").click()
    page.wait_for_load_state()

    assert "hien-dat.jpg" in page.locator('[data-field="evidence"] .kept').inner_text()
    page.fill("#id_percent", "40")
    page.get_by_role("button", name="Gửi báo cáo").click()
    page.wait_for_load_state()
    assert ProgressEvidence.objects.get().name == "hien-dat.jpg"

    boss = open_page(supervisor, f"/tasks/{task.pk}/")
    with boss.expect_download() as info:
        boss.get_by_role("link", name="hien-dat.jpg").click()
    download = info.value
    assert download.suggested_filename == "hien-dat.jpg"
    with open(download.path(), "rb") as handle:
        assert handle.read() == JPEG
