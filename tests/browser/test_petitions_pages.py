"""A commune cadre records a petition on a phone and finds it in the unit's list."""

import pytest

from petitions.models import Petition
from seeds.petitions import seed_petition_reference

pytestmark = pytest.mark.browser


@pytest.fixture(autouse=True)
def policies(transactional_db):
    """The legal clocks, as `manage.py seed` loads them."""
    seed_petition_reference()


def test_cadre_records_a_petition_on_a_phone(open_page, screenshot, cadre_a, tree):
    page = open_page(cadre_a, "/petitions/new/", phone=True)

    page.select_option("#id_location_unit", label="Thôn Đồng Lạc")
    page.select_option("#id_kind", value="complaint")
    page.fill("#id_summary", "Khiếu nại về việc chưa được giao đất ở")
    page.fill("#id_full_name", "Nguyễn Văn Hùng")
    page.fill("#id_citizen_id", "12345")
    page.get_by_role("button", name="Lưu").click()
    page.wait_for_load_state()

    error = page.locator('[data-field="citizen_id"] .errorlist')
    assert error.inner_text() == "Số căn cước công dân (CCCD) phải gồm đúng 12 chữ số."
    assert not Petition.objects.exists()
    screenshot(page, "petition-intake-error-phone")

    page.fill("#id_citizen_id", "060085001234")
    page.get_by_role("button", name="Lưu").click()
    page.wait_for_load_state()

    petition = Petition.objects.get()
    # The cadre lands on the petition just recorded, then finds it in the unit's list.
    assert page.url.endswith(f"/petitions/{petition.pk}/")
    assert "Đã tiếp nhận đơn" in page.locator(".messages").inner_text()
    page.get_by_role("link", name="← Đơn thư của đơn vị").click()
    page.wait_for_load_state()
    card = page.locator(f'[data-code="{petition.code}"]')
    assert "Trong hạn" in card.inner_text()
    assert "còn 10 ngày làm việc" in card.inner_text()
    assert "Nguyễn Văn Hùng" in card.inner_text()
    screenshot(page, "petition-list-phone")


def test_list_filters_by_deadline_state(open_page, cadre_a, handler_a, tree):
    from datetime import date

    from tests.petitions.factories import PetitionFactory

    late = PetitionFactory(actor=handler_a, unit=tree.commune_a1, received_on=date(2026, 3, 2))
    page = open_page(cadre_a, "/petitions/")

    page.select_option("select[name=state]", value="overdue")
    page.get_by_role("button", name="Lọc").click()
    page.wait_for_load_state()

    assert page.locator(".card").count() == 1
    assert late.code in page.locator(".card").inner_text()
    assert "Quá hạn" in page.locator(".card").inner_text()
