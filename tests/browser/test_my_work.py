"""
Signing in through the app's own page and landing on "My work", on a laptop and a phone:
the counts, the bell, a count's link, the skip link, and a password reset's mail.
"""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from danvan.notify.models import Notification
from petitions.models import Petition
from tests.factories import UserFactory
from tests.petitions.factories import PetitionFactory

pytestmark = pytest.mark.browser

PASSWORD = "correct horse battery staple"  # tests.factories.UserFactory
LAPTOP = {"width": 1366, "height": 768}


@pytest.fixture
def cadre_with_work(tree: Any, cadre_a: Any) -> Any:
    """Commune A1: two petitions overdue, one due today; two unread notifications."""
    root = UserFactory(username="root", is_superuser=True, is_staff=True)
    today = timezone.localdate()
    for due in (today - datetime.timedelta(days=30), today - datetime.timedelta(days=3), today):
        petition = PetitionFactory(actor=root, unit=tree.commune_a1, today=today)
        Petition.objects.filter(pk=petition.pk).update(due_date=due)
    for title in ("Đơn sắp đến hạn", "Nhiệm vụ mới"):
        Notification.objects.create(user=cadre_a, title=title, url="/petitions/")
    return cadre_a


def _sign_in(page: Any, username: str) -> None:
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_load_state()


@pytest.mark.parametrize("phone", [False, True], ids=["laptop", "phone"])
def test_sign_in_and_follow_a_count(open_page, screenshot, cadre_with_work, phone):
    page = open_page(None, "/dang-nhap/", phone=phone)
    if not phone:
        page.set_viewport_size(LAPTOP)
    screenshot(page, f"sign-in-{'phone' if phone else 'laptop'}")
    _sign_in(page, "cadre_a")

    assert page.url.endswith("/")
    assert page.locator("h1").inner_text() == "Việc của tôi"
    overdue = page.locator("#count-overdue")
    assert overdue.locator(".count").inner_text() == "2"
    assert "Đơn quá hạn" in overdue.inner_text()
    assert page.locator("#count-due-soon .count").inner_text() == "1"
    assert page.locator("#count-unread .count").inner_text() == "2"
    bell = page.locator("header a.bell")
    assert bell.is_visible() and bell.locator(".bell-count").inner_text() == "2"
    assert page.get_by_role("link", name="Tiếp nhận đơn").is_visible()
    # Everything fits the screen's width: no sideways scrolling.
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    screenshot(page, f"my-work-{'phone' if phone else 'laptop'}")

    overdue.click()
    page.wait_for_load_state()
    assert page.url.endswith("/petitions/?state=overdue")
    cards = page.locator("ul.cards li.card")
    assert cards.count() == 2  # exactly the two the count promised
    for i in range(2):
        assert cards.nth(i).locator(".state").inner_text() == "Quá hạn"


def test_the_first_tab_reaches_the_skip_link_which_moves_to_the_content(open_page, cadre_with_work):
    page = open_page(cadre_with_work, "/")
    skip = page.locator("a.skip-link")
    assert not skip.is_visible() or skip.bounding_box()["y"] < 0  # hidden until focused

    page.keyboard.press("Tab")

    assert page.evaluate("document.activeElement.className") == "skip-link"
    assert skip.inner_text() == "Bỏ qua đến nội dung chính"
    assert skip.bounding_box()["y"] >= 0  # shown on focus
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"


def test_the_bell_opens_the_inbox_and_reading_clears_it(open_page, cadre_with_work):
    page = open_page(cadre_with_work, "/", phone=True)

    page.locator("header a.bell").click()
    page.wait_for_load_state()
    assert page.url.endswith("/notifications/")
    assert page.locator("li.unread").count() == 2
    page.get_by_role("button", name="Đánh dấu tất cả đã đọc").click()
    page.wait_for_load_state()

    assert page.locator("li.unread").count() == 0
    assert page.locator("header a.bell .bell-count").count() == 0


def test_a_forgotten_password_mails_a_link_that_sets_a_new_one(
    open_page, live_server, cadre_a, settings, tmp_path: Path
):
    settings.SITE_URL = live_server.url
    settings.EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    settings.EMAIL_FILE_PATH = str(tmp_path)
    page = open_page(None, "/dang-nhap/", phone=True)

    page.get_by_role("link", name="Quên mật khẩu?").click()
    page.wait_for_load_state()
    page.get_by_label("Địa chỉ thư điện tử").fill(cadre_a.email)
    page.get_by_role("button", name="Gửi đường dẫn").click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == "Kiểm tra hộp thư"

    (written,) = list(tmp_path.iterdir())
    text = written.read_text()
    assert f"To: {cadre_a.email}" in text
    link = next(line for line in text.splitlines() if "/dat-lai-mat-khau/" in line).strip()
    page.goto(link)
    new = "một mật khẩu mới rất dài"
    page.get_by_label("Mật khẩu mới", exact=True).fill(new)
    page.get_by_label("Xác nhận mật khẩu mới").fill(new)
    page.get_by_role("button", name="Lưu mật khẩu mới").click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == "Đã lưu mật khẩu mới"
