"""
A citizen follows a petition from a phone and from a desk, without signing in: the code from
the receipt and the last 4 digits of the phone they gave; a wrong attempt gets the one answer.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.core.cache import cache
from django.utils import translation

from citizen.lookup.texts import NOT_FOUND
from petitions import services
from petitions.models import PetitionKind
from seeds.petitions import seed_petition_reference
from tests.petitions.factories import PetitionFactory, RespondentFactory

pytestmark = pytest.mark.browser

CITIZEN = "Trần Thị Hoa"
ACCUSED = "Nguyễn Văn Bị"


@pytest.fixture(autouse=True)
def _clean(transactional_db: Any, settings: Any) -> None:
    """The legal clocks (a live-server test's flush removed them) and an empty throttle."""
    seed_petition_reference()
    settings.CITIZEN_LOOKUP_RATE = "1000/min"
    cache.clear()


def citizen(phone: str) -> services.PetitionerInput:
    return services.PetitionerInput(full_name=CITIZEN, phone=phone, address="Thôn 3")


def look_up(page: Any, code: str, digits: str) -> None:
    page.fill("#id_code", code)
    page.fill("#id_phone_last4", digits)
    page.locator("form.intake button[type=submit]").click()
    page.wait_for_load_state()


def test_a_citizen_looks_up_a_petition_on_a_phone(
    open_page: Any, screenshot: Any, tree: Any, handler_a: Any
) -> None:
    petition = PetitionFactory(
        actor=handler_a,
        unit=tree.commune_a1,
        kind=PetitionKind.COMPLAINT,
        summary=f"Khiếu nại của {CITIZEN} về thu hồi đất",
        petitioners=[citizen("0912 345 678")],
        today=date(2026, 3, 2),
    )
    services.petition_accept(
        actor=handler_a, petition=petition, reason="Đủ điều kiện", today=date(2026, 3, 5)
    )
    petition.refresh_from_db()

    page = open_page(None, "/", phone=True)
    page.locator("#citizen-lookup").click()
    page.wait_for_load_state()
    assert page.url.endswith("/tra-cuu/")
    digits = page.locator("#id_phone_last4")
    assert digits.get_attribute("inputmode") == "numeric"
    assert digits.get_attribute("autocomplete") == "off"

    # Nothing typed: the summary names both fields, and their links lead to them.
    page.locator("form.intake button[type=submit]").click()
    page.wait_for_load_state()
    assert page.locator("#errors a").count() == 2
    assert "Vui lòng sửa các trường dưới đây." in page.locator("#errors").inner_text()

    # Other digits: the one answer, and the digits are not written back.
    look_up(page, petition.code.lower(), "0000")
    with translation.override("vi"):
        assert page.locator("#not-found").inner_text() == str(NOT_FOUND)
    assert page.locator("section.card").count() == 0
    assert page.input_value("#id_phone_last4") == ""

    look_up(page, petition.code, "5678")
    card = page.locator("section.card")
    assert card.locator("[data-status]").get_attribute("data-status") == "accepted"
    assert card.locator('[data-fact="kind"]').inner_text() == "Khiếu nại"
    assert card.locator('[data-fact="receiving_unit"]').inner_text() == "Xã Di Linh"
    assert card.locator('[data-fact="received_on"]').inner_text() == "02/03/2026"
    assert card.locator('[data-fact="accepted_on"]').inner_text() == "05/03/2026"
    deadline = card.locator('[data-fact="due_date"]').inner_text()
    assert deadline.startswith(petition.due_date.strftime("%d/%m/%Y"))
    assert "Giải quyết" in deadline
    text = page.locator("main").inner_text()
    assert CITIZEN not in text and "thu hồi đất" not in text and "0912" not in text
    assert page.input_value("#id_phone_last4") == ""
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
    screenshot(page, "citizen-lookup-phone")


def test_a_denouncer_looks_up_from_a_desk_and_sees_no_names(
    open_page: Any, screenshot: Any, tree: Any, handler_a: Any
) -> None:
    denunciation = PetitionFactory(
        actor=handler_a,
        unit=tree.commune_a1,
        kind=PetitionKind.DENUNCIATION,
        summary=f"Tố cáo {ACCUSED} nhận hối lộ",
        petitioners=[citizen("0214 555 9876")],
        today=date(2026, 3, 2),
    )
    RespondentFactory(petition=denunciation, kind="person", name=ACCUSED)

    page = open_page(None, "/tra-cuu/")
    page.set_viewport_size({"width": 1366, "height": 768})
    look_up(page, denunciation.code.removeprefix("DT-"), "9876")

    card = page.locator("section.card")
    assert card.locator('[data-fact="kind"]').inner_text() == "Tố cáo"
    assert card.locator("[data-status]").get_attribute("data-status") == "received"
    assert card.locator('[data-fact="received_on"]').inner_text() == "02/03/2026"
    text = page.locator("main").inner_text()
    for secret in (CITIZEN, ACCUSED, "hối lộ", "Thôn 3", "0214"):
        assert secret not in text, secret
    screenshot(page, "citizen-lookup-desktop")
