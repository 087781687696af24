"""A handler sees the notice a step calls for, fills it in on a phone, issues it; it is sent."""

from datetime import date

import pytest

from citizen.models import CitizenMessage
from petitions import services
from petitions.models import Notice, NoticeStatus
from seeds.petitions import seed_petition_reference
from tests.petitions.factories import PetitionFactory

pytestmark = pytest.mark.browser


@pytest.fixture(autouse=True)
def policies(transactional_db):
    seed_petition_reference()


def test_handler_issues_the_acceptance_notice_on_a_phone(open_page, screenshot, handler_a, tree):
    petition = PetitionFactory(
        actor=handler_a,
        unit=tree.commune_a1,
        summary="Khiếu nại việc thu hồi đất ở thôn 3",
        petitioners=[
            services.PetitionerInput(
                full_name="Nguyễn Văn Hùng", phone="0912345678", email="hung@example.vn"
            )
        ],
    )
    services.petition_accept(
        actor=handler_a, petition=petition, reason="Đủ điều kiện", accepted_on=date(2026, 3, 5)
    )
    notice = Notice.objects.get(petition=petition)

    page = open_page(handler_a, "/", phone=True)
    page.get_by_role("link", name="Thông báo cho công dân cần ban hành").click()
    page.wait_for_load_state()
    assert "Quá hạn (1)" in page.locator("nav.toolbar").inner_text()
    page.locator(f'[data-notice="{notice.pk}"] a.open').click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == "Thông báo thụ lý"
    assert "Mẫu số" in page.locator("dl.facts").inner_text()

    # Issuing without the number and the signer: the summary says what is missing.
    page.get_by_role("button", name="Ban hành và gửi cho công dân").click()
    page.wait_for_load_state()
    assert "Chưa ban hành" in page.locator("#errors").inner_text()
    assert "Hãy nhập số văn bản thông báo." in page.locator("#errors").inner_text()
    screenshot(page, "notice-draft-error-phone")

    page.fill("#id_number", "15")
    page.fill("#id_signer", "Trần Văn Bình")
    page.fill("#id_signer_title", "Chủ tịch UBND xã")
    page.get_by_role("button", name="Ban hành và gửi cho công dân").click()
    page.wait_for_load_state()

    notice.refresh_from_db()
    assert notice.status == NoticeStatus.ISSUED and notice.number == "15"
    assert "đang được gửi cho công dân" in page.locator(".messages").inner_text()
    assert page.get_by_role("link", name="Tải về (.docx)").count() == 1
    assert sorted(CitizenMessage.objects.values_list("channel", flat=True)) == ["email", "sms"]
    # Nothing wider than the phone: the text wraps.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(page, "notice-issued-phone")

    page.goto(page.url.split("/petitions/")[0] + f"/petitions/{petition.pk}/")
    section = page.locator("#notices")
    assert "Đã ban hành" in section.inner_text() and "Thư điện tử" in section.inner_text()
    assert "hung@example.vn" not in section.inner_text()  # masked
