"""An administrator enrols an authenticator app and signs in with its code, in a browser."""

from __future__ import annotations

import base64
import time

import pytest

from tests.twofactor.test_second_factor import PASSWORD, totp, wrong

pytestmark = pytest.mark.browser


def test_an_administrator_enrols_then_signs_in_with_the_apps_code(
    open_page, screenshot, administrator, settings
):
    settings.ADMIN_REQUIRE_OTP = True
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    page = open_page(None, "/admin/")
    assert page.locator("#second-factor-note").count() == 0
    page.fill("#id_username", administrator.username)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_load_state()

    assert "/admin/second-factor/enrol/" in page.url  # no admin page before enrolment
    assert page.locator("#otp-qr svg").is_visible()
    letters = page.locator("#otp-secret").inner_text().replace(" ", "")
    secret = base64.b32decode(letters + "=" * (-len(letters) % 8))
    screenshot(page, "admin-second-factor-enrol")
    page.fill("#id_token", wrong(totp(secret)))
    page.click("#enrol-form input[type=submit]")
    page.wait_for_load_state()
    assert page.locator("#enrol-form .errorlist").is_visible()  # a wrong code is refused

    page.fill("#id_token", totp(secret))
    page.click("#enrol-form input[type=submit]")
    page.wait_for_load_state()
    assert page.locator("#backup-codes li").count() == 10
    page.get_by_role("link", name="Tiếp tục vào trang quản trị").click()
    page.wait_for_load_state()
    assert page.url.endswith("/admin/")
    assert page.locator("#user-tools").is_visible()

    # Signed out, the sign-in asks for the code of the app.
    page.context.clear_cookies()
    page.goto(page.url)
    page.fill("#id_username", administrator.username)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_load_state()
    assert "Tài khoản của bạn cần xác thực hai lớp" in page.locator(".errornote").inner_text()
    page.fill("#id_password", PASSWORD)
    page.fill("#id_otp_token", totp(secret, at=time.time() + 30))
    screenshot(page, "admin-second-factor-sign-in")
    page.click("input[type=submit]")
    page.wait_for_load_state()
    assert page.url.endswith("/admin/")
    assert page.locator("#user-tools").is_visible()
