"""A denouncer's identity on the petition page: not in the page until a reveal with a reason."""

import pytest

from danvan.org.models import Role
from petitions.models import IdentityAccessLog, PetitionKind
from petitions.services import PetitionerInput
from seeds.petitions import seed_petition_reference
from tests.factories import UserFactory
from tests.petitions.factories import IdentityGrantFactory, PetitionFactory

pytestmark = pytest.mark.browser

NAME = "Phạm Thị Thu"
CCCD = "068190007654"


@pytest.fixture(autouse=True)
def policies(transactional_db):
    seed_petition_reference()


def test_the_reveal_needs_a_typed_reason_then_shows_the_identity(open_page, handler_a, tree):
    officer = UserFactory(
        username="identity_officer", memberships=[(tree.commune_a1, Role.PETITION_HANDLER)]
    )
    IdentityGrantFactory(user=officer, unit=tree.commune_a1)
    petition = PetitionFactory(
        actor=handler_a,
        unit=tree.commune_a1,
        kind=PetitionKind.DENUNCIATION,
        summary="Tố cáo cán bộ địa chính nhận tiền",
        petitioners=[PetitionerInput(full_name=NAME, citizen_id=CCCD, address="Thôn 5")],
    )
    page = open_page(officer, f"/petitions/{petition.pk}/")

    # Before: neither the name nor the number is anywhere in the page, not even hidden.
    assert NAME not in page.content() and CCCD not in page.content()
    assert "[đã ẩn]" in page.locator("#petitioners").inner_text()

    # No reason typed: refused, nothing shown, nothing logged.
    page.locator("#petitioners details > summary").click()
    page.locator("#petitioners button[type=submit]").click()
    page.wait_for_load_state()
    assert "Hãy nêu lý do." in page.locator("#petitioners").inner_text()
    assert NAME not in page.content()
    assert not IdentityAccessLog.objects.exists()

    page.fill("#petitioners textarea", "Xác minh nội dung tố cáo theo kế hoạch 05")
    page.locator("#petitioners button[type=submit]").click()
    page.wait_for_load_state()

    people = page.locator("#petitioners").inner_text()
    assert NAME in people and CCCD in people
    assert "đã được ghi nhật ký" in people
    log = IdentityAccessLog.objects.get()
    assert (log.user, log.reason, log.channel) == (
        officer,
        "Xác minh nội dung tố cáo theo kế hoạch 05",
        "web",
    )

    # Opening the page again shows nothing until the next reveal.
    page.goto(page.url.replace("identity/", ""))
    assert NAME not in page.content()


def test_a_superuser_reveals_in_the_admin_only_with_a_grant_and_a_typed_reason(
    open_page, handler_a, tree
):
    """The admin change page: no identity on opening, no reveal without a grant, even for a
    superuser; with a grant for the unit, a typed reason, logged like the API's reveal."""
    root = UserFactory(username="root", is_staff=True, is_superuser=True)
    petition = PetitionFactory(
        actor=handler_a,
        unit=tree.commune_a1,
        kind=PetitionKind.DENUNCIATION,
        summary="Tố cáo cán bộ địa chính nhận tiền",
        petitioners=[PetitionerInput(full_name=NAME, citizen_id=CCCD, address="Thôn 5")],
    )
    change = f"/admin/petitions/petition/{petition.pk}/change/"
    page = open_page(root, change)

    assert NAME not in page.content() and CCCD not in page.content()
    assert page.locator("#petitioners form").count() == 0  # no grant: no reveal offered

    IdentityGrantFactory(user=root, unit=tree.commune_b1)  # another province: still nothing
    page.goto(page.url)
    assert page.locator("#petitioners form").count() == 0

    IdentityGrantFactory(user=root, unit=tree.province_a)  # the province above Di Linh
    page.goto(page.url)
    assert NAME not in page.content()
    page.locator("#petitioners input[type=submit]").click()  # no reason typed
    page.wait_for_load_state()
    assert NAME not in page.content()
    assert not IdentityAccessLog.objects.exists()

    page.fill("#petitioners textarea", "Đối chiếu hồ sơ xác minh")
    page.locator("#petitioners input[type=submit]").click()
    page.wait_for_load_state()

    assert NAME in page.locator("#petitioners").inner_text()
    log = IdentityAccessLog.objects.get()
    assert (log.user, log.reason, log.channel) == (root, "Đối chiếu hồ sơ xác minh", "admin")
    page.goto(f"{page.url.split('/admin/')[0]}{change}")
    assert NAME not in page.content()
