"""A handler opens a petition from the list on a phone, takes a step, sees it in the timeline."""

import pytest

from petitions.models import EventAction, PetitionEvent, Status
from petitions.services import PetitionerInput
from seeds.petitions import seed_petition_reference
from tests.petitions.factories import PetitionFactory

pytestmark = pytest.mark.browser


@pytest.fixture(autouse=True)
def policies(transactional_db):
    """The legal clocks, as `manage.py seed` loads them."""
    seed_petition_reference()


def test_handler_accepts_a_petition_on_a_phone(open_page, screenshot, handler_a, tree):
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

    # The error case: no reason given.
    page.locator("#step-accept > summary").click()
    page.locator("#step-accept button[type=submit]").click()
    page.wait_for_load_state()

    assert page.locator(".alert").inner_text() == (
        "Không có gì thay đổi: xem thông báo ở biểu mẫu bên dưới."
    )
    error = page.locator('#step-accept [data-field="reason"] .errorlist')
    assert error.inner_text() == "Hãy nêu lý do."
    petition.refresh_from_db()
    assert petition.status == Status.RECEIVED
    page.locator("#step-accept").scroll_into_view_if_needed()
    screenshot(page, "petition-transition-error-phone")

    page.fill("#id_accept-reason", "Đủ điều kiện thụ lý theo Luật Khiếu nại")
    page.locator("#step-accept button[type=submit]").click()
    page.wait_for_load_state()

    petition.refresh_from_db()
    assert petition.status == Status.ACCEPTED
    assert "Trạng thái của đơn nay là “Đã thụ lý”" in page.locator(".messages").inner_text()
    entry = page.locator('#timeline .event[data-action="accepted"]')
    assert "Đủ điều kiện thụ lý theo Luật Khiếu nại" in entry.inner_text()
    assert "Đã tiếp nhận → Đã thụ lý" in entry.inner_text()
    assert PetitionEvent.objects.filter(petition=petition, action=EventAction.ACCEPTED).count() == 1
    # The next step is offered now, the one just taken is not.
    assert page.locator("#step-start_resolution").count() == 1
    assert page.locator("#step-accept").count() == 0
    screenshot(page, "petition-detail-phone")
