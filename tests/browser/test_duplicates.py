"""
A commune cadre types a CCCD already on record: the earlier petition appears while typing, the
cadre links the new one as a repeat, the new petition's page shows the citizen's history, and
the list's search finds the citizen by CCCD (issue #15, point 3).
"""

import pytest

from petitions.models import LinkKind, Petition, PetitionLink
from petitions.services import PetitionerInput
from seeds.petitions import seed_petition_reference
from tests.petitions.factories import PetitionFactory

pytestmark = pytest.mark.browser

CCCD = "068090001234"


@pytest.fixture(autouse=True)
def policies(transactional_db):
    seed_petition_reference()


@pytest.mark.parametrize("phone", [False, True], ids=["desktop", "phone"])
def test_cadre_sees_the_earlier_petition_links_the_repeat_and_finds_the_history(
    open_page, screenshot, cadre_a, handler_a, tree, phone
):
    first = PetitionFactory(
        actor=handler_a,
        unit=tree.commune_a1,
        summary="Khiếu nại chưa được cấp giấy chứng nhận quyền sử dụng đất",
        petitioners=[PetitionerInput(full_name="Nguyễn Văn Hùng", citizen_id=CCCD)],
    )
    page = open_page(cadre_a, "/petitions/new/", phone=phone)
    box = page.locator("#duplicates")
    assert box.is_hidden()

    page.fill("#id_summary", "Lại khiếu nại về giấy chứng nhận quyền sử dụng đất")
    page.fill("#id_full_name", "Nguyễn Văn Hùng")
    page.type("#id_citizen_id", CCCD, delay=20)

    row = box.locator(f'li[data-petition="{first.pk}"]')
    row.wait_for(state="visible")
    assert "Các đơn trước đây có thể cùng vụ việc" in box.inner_text()
    assert first.code in row.inner_text()
    assert "trùng CCCD" in row.inner_text()
    if not phone:
        screenshot(page, "petition-intake-duplicates")
    page.get_by_label(f"đơn trùng với đơn {first.code}").check()
    page.get_by_role("button", name="Lưu").click()
    page.wait_for_load_state()

    new = Petition.objects.exclude(pk=first.pk).get()
    assert PetitionLink.objects.filter(
        petition=new, target=first, kind=LinkKind.DUPLICATE_OF
    ).exists()

    page.goto(page.url.split("/petitions/")[0] + f"/petitions/{new.pk}/")
    history = page.locator("#history")
    assert "Các đơn khác của công dân" in history.inner_text()
    assert first.code in history.inner_text()
    history.get_by_role("link", name=first.code).click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == first.code
    if phone:
        screenshot(page, "petition-history-phone")

    page.goto(page.url.split("/petitions/")[0] + "/petitions/?q=068+090+001+234")
    listed = page.locator(".card").all_inner_texts()
    assert {first.code, new.code} <= {code for text in listed for code in text.split()}


def test_saving_without_choosing_shows_the_candidates_first(open_page, cadre_a, handler_a, tree):
    first = PetitionFactory(
        actor=handler_a,
        unit=tree.commune_a1,
        petitioners=[PetitionerInput(full_name="Nguyễn Văn Hùng", citizen_id=CCCD)],
    )
    page = open_page(cadre_a, "/petitions/new/")
    page.fill("#id_summary", "Đơn khác hẳn")
    page.fill("#id_full_name", "Nguyễn Văn Hùng")
    page.fill("#id_citizen_id", CCCD)
    page.get_by_role("button", name="Lưu").click()
    page.wait_for_load_state()

    assert Petition.objects.count() == 1
    assert "Chưa lưu" in page.locator("#duplicates-help").inner_text()
    assert first.code in page.locator("#duplicates").inner_text()

    page.get_by_label("vụ việc mới: không trùng đơn nào (tiếp tục)").check()
    page.get_by_role("button", name="Lưu").click()
    page.wait_for_load_state()

    assert Petition.objects.count() == 2
