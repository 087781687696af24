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
