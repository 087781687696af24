"""
A handler opens a petition from the list on a phone: one recommended step, a refused step
answered where the handler is looking (summary, focus), the step taken, a note left.
"""

import pytest

from petitions.models import EventAction, PetitionEvent, PetitionNote, Status
from petitions.services import PetitionerInput
from seeds.petitions import seed_petition_reference
from tests.petitions.factories import PetitionFactory

pytestmark = pytest.mark.browser


@pytest.fixture(autouse=True)
def policies(transactional_db):
    """The legal clocks, as `manage.py seed` loads them."""
    seed_petition_reference()


def focused_id(page):
    """The id of the element holding the focus, once the page's script has placed it."""
    page.wait_for_load_state("load")
    page.wait_for_timeout(50)  # site.js gives the focus back after the #fragment scroll
    return page.evaluate("document.activeElement && document.activeElement.id")


def in_viewport(page, selector):
    return page.evaluate(
        """(selector) => {
            const box = document.querySelector(selector).getBoundingClientRect();
            return box.top < window.innerHeight && box.bottom > 0;
        }""",
        selector,
    )


def test_handler_takes_the_recommended_step_on_a_phone(open_page, screenshot, handler_a, tree):
    petition = PetitionFactory(
        actor=handler_a,
        unit=tree.commune_a1,
        summary="Khiếu nại về việc chưa được giao đất ở",
        petitioners=[PetitionerInput(full_name="Nguyễn Văn Hùng", citizen_id="060085001234")],
    )
    page = open_page(handler_a, "/petitions/", phone=True)

    page.get_by_role("link", name=petition.code).click()
    page.wait_for_load_state()

    assert page.url.endswith(f"/petitions/{petition.pk}/")
    assert page.locator("h1").inner_text() == petition.code
    assert "Nguyễn Văn Hùng" in page.locator("#petitioners").inner_text()
    assert page.locator("[data-field=deadline] .state").inner_text() == "Quá hạn"

    # One recommended step, with why; the others folded behind one summary.
    primary = page.locator(".step-primary")
    assert primary.count() == 1
    assert primary.get_attribute("id") == "step-accept"
    assert "Đơn đã tiếp nhận: phân loại và quyết định thụ lý." in primary.inner_text()
    assert primary.get_by_role("button", name="Thụ lý").is_visible()
    assert not page.locator("#step-file > summary").is_visible()  # folded
    assert "bước khác" in page.locator(".more-steps > summary").inner_text()
    screenshot(page, "petition-detail-phone")

    # A refusal (lưu đơn) without its reason: refused where the handler is looking.
    page.locator(".more-steps > summary").click()
    page.locator("#step-file > summary").click()
    assert page.locator("#step-file .required-legend").inner_text() == "* bắt buộc"
    assert page.locator("#id_file-reason").get_attribute("aria-required") == "true"
    page.locator("#step-file button[type=submit]").click()
    page.wait_for_load_state()

    assert page.url.endswith(f"/petitions/{petition.pk}/actions/file/#step-file")
    summary = page.locator("#step-file [data-error-summary]")
    assert summary.get_attribute("role") == "alert"
    assert summary.inner_text().startswith("Có 1 lỗi, chưa lưu gì")
    assert "Lý do là bắt buộc với bước này" in summary.inner_text()
    error = page.locator('#step-file [data-field="reason"] .errorlist')
    assert error.inner_text() == "Lý do là bắt buộc với bước này: hãy nhập vào ô “lý do”."
    assert focused_id(page) == "id_file-reason"
    assert in_viewport(page, "#id_file-reason")
    assert page.locator("#id_file-reason").get_attribute("aria-invalid") == "true"
    petition.refresh_from_db()
    assert petition.status == Status.RECEIVED
    screenshot(page, "petition-transition-error-phone")

    # The summary's link brings the field back after the handler scrolled away.
    page.evaluate("window.scrollTo(0, 0)")
    page.locator("h1").click()
    summary.get_by_role("link").click()
    assert focused_id(page) == "id_file-reason"

    # The recommended step needs no reason.
    page.locator("#step-accept button[type=submit]").click()
    page.wait_for_load_state()

    petition.refresh_from_db()
    assert petition.status == Status.ACCEPTED
    assert "Trạng thái của đơn nay là “Đã thụ lý”" in page.locator(".messages").inner_text()
    entry = page.locator('#timeline .event[data-action="accepted"]')
    assert "Đã tiếp nhận → Đã thụ lý" in entry.inner_text()
    assert PetitionEvent.objects.filter(petition=petition, action=EventAction.ACCEPTED).count() == 1
    # The next step is recommended now, the one just taken is gone.
    assert page.locator(".step-primary").get_attribute("id") == "step-start_resolution"
    assert page.locator("#step-accept").count() == 0

    # An internal note beside the timeline.
    page.fill("#id_note-text", "Đã gọi điện, công dân hẹn nộp thêm giấy tờ thứ Hai")
    page.get_by_role("button", name="Thêm ghi chú").click()
    page.wait_for_load_state()

    assert page.url.endswith("#notes")
    assert (
        "Đã gọi điện, công dân hẹn nộp thêm giấy tờ thứ Hai"
        in page.locator("#notes .note").inner_text()
    )
    assert PetitionNote.objects.get().author == handler_a


def test_a_bad_intake_is_summarised_and_a_saved_one_opens(open_page, cadre_a, tree):
    page = open_page(cadre_a, "/petitions/new/", phone=True)
    assert page.locator('label[for="id_summary"] .required-mark').count() == 1
    assert page.locator('label[for="id_content"] .required-mark').count() == 0

    page.fill("#id_full_name", "Nguyễn Văn Hùng")
    page.fill("#id_citizen_id", "12345")
    page.get_by_role("button", name="Lưu").click()
    page.wait_for_load_state()

    summary = page.locator("[data-error-summary]")
    assert summary.inner_text().startswith("Có 2 lỗi, chưa lưu gì")
    assert summary.get_by_role("link").count() == 2
    assert focused_id(page) == "id_summary"  # the first invalid field, in the form's order

    page.fill("#id_summary", "Khiếu nại về việc chưa được giao đất ở")
    page.fill("#id_citizen_id", "060085001234")
    page.get_by_role("button", name="Lưu").click()
    page.wait_for_load_state()

    from petitions.models import Petition

    petition = Petition.objects.get()
    assert page.url.endswith(f"/petitions/{petition.pk}/")
    assert page.locator("h1").inner_text() == petition.code
    assert "Đã tiếp nhận đơn" in page.locator(".messages").inner_text()
